// A container's environment exactly as kubelet builds it: envFrom first (later sources win, invalid
// names skipped with a warning), then env in order, each value expanded against what came before.
import { Buffer } from 'node:buffer';
import { ContainerConfigError } from './errors.js';
import { expand, mappingFor } from './expansion.js';
import { podFieldValue, resourceFieldValue, type NodeFacts } from './field-ref.js';
import type { ConfigMapData, Container, Pod, SecretData } from './k8s-types.js';

/** Objects the caller looked up for the pod's namespace; undefined = not found. */
export interface EnvSources extends NodeFacts {
  configMap?(name: string): ConfigMapData | undefined;
  secret?(name: string): SecretData | undefined;
  /** Service link variables (FOO_SERVICE_HOST...): added last, never overriding the container's own. */
  serviceEnv?: Record<string, string>;
}

export interface EnvWarning {
  reason: 'InvalidEnvironmentVariableNames';
  message: string;
}
export interface BuiltEnv {
  env: Map<string, string>;
  warnings: EnvWarning[];
}

// utilvalidation.IsEnvVarName
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
export const isEnvVarName = (s: string) => ENV_NAME.test(s);

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

function lookup<T>(
  kind: 'configmaps' | 'secrets',
  fn: ((n: string) => T | undefined) | undefined,
  name: string,
  optional: boolean,
): T | undefined {
  const obj = fn?.(name);
  if (obj === undefined && !optional)
    throw new ContainerConfigError(`${kind === 'configmaps' ? 'configmap' : 'secret'} "${name}" not found`);
  return obj;
}

export function buildEnv(pod: Pod, container: Container, src: EnvSources = {}): BuiltEnv {
  const ns = pod.metadata.namespace ?? '';
  const env = new Map<string, string>();
  const warnings: EnvWarning[] = [];
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let pairs: [string, string][] = [];
    let what: string;
    let name: string;
    if (from.configMapRef) {
      what = 'configMap';
      name = from.configMapRef.name ?? '';
      const cm = lookup('configmaps', src.configMap, name, from.configMapRef.optional === true);
      if (!cm) continue;
      pairs = Object.entries(cm.data ?? {}); // binaryData is never exported as env
    } else if (from.secretRef) {
      what = 'secret';
      name = from.secretRef.name ?? '';
      const s = lookup('secrets', src.secret, name, from.secretRef.optional === true);
      if (!s) continue;
      pairs = Object.entries(s.data ?? {}).map(([k, v]) => [k, decode(v)]);
    } else continue;
    const invalid: string[] = [];
    for (const [k, v] of pairs) {
      const key = prefix + k;
      if (!isEnvVarName(key)) {
        invalid.push(key);
        continue;
      }
      env.set(key, v);
    }
    if (invalid.length) {
      warnings.push({
        reason: 'InvalidEnvironmentVariableNames',
        message: `Keys [${invalid.sort().join(', ')}] from the EnvFrom ${what} ${ns}/${name} were skipped since they are considered invalid environment variable names.`,
      });
    }
  }
  const service = { ...(src.serviceEnv ?? {}) };
  const mapping = mappingFor(env, service);
  for (const v of container.env ?? []) {
    let value = v.value ?? '';
    if (value !== '') value = expand(value, mapping);
    else if (v.valueFrom) {
      const f = v.valueFrom;
      if (f.fieldRef) value = podFieldValue(pod, f.fieldRef.fieldPath, src);
      else if (f.resourceFieldRef) value = resourceFieldValue(f.resourceFieldRef, pod, container, src);
      else if (f.configMapKeyRef) {
        const { name = '', key, optional = false } = f.configMapKeyRef;
        const cm = lookup('configmaps', src.configMap, name, optional);
        if (!cm) continue;
        if (!cm.data || !Object.hasOwn(cm.data, key)) {
          if (optional) continue;
          throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${ns}/${name}`);
        }
        value = cm.data[key];
      } else if (f.secretKeyRef) {
        const { name = '', key, optional = false } = f.secretKeyRef;
        const s = lookup('secrets', src.secret, name, optional);
        if (!s) continue;
        if (!s.data || !Object.hasOwn(s.data, key)) {
          if (optional) continue;
          throw new ContainerConfigError(`couldn't find key ${key} in Secret ${ns}/${name}`);
        }
        value = decode(s.data[key]);
      }
    }
    delete service[v.name];
    env.set(v.name, value);
  }
  for (const [k, v] of Object.entries(service)) if (!env.has(k)) env.set(k, v);
  return { env, warnings };
}

/** Docker's Env form. */
export const dockerEnv = (env: ReadonlyMap<string, string>) => [...env].map(([k, v]) => `${k}=${v}`);
