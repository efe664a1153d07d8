// PodSpec validation (pkg/apis/core/validation: ValidatePodSpec and the container/volume checks under it).
import {
  arr,
  child,
  duplicate,
  forbidden,
  inclusiveRangeError,
  index,
  invalid,
  isObj,
  isSet,
  key,
  nonNegative,
  notFound,
  notSupported,
  required,
  type Errs,
  type J,
} from '../common/field.js';
import { validateLabelName, validateLabels } from '../common/meta.js';
import {
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidPortName,
  isValidPortNum,
} from '../common/names.js';
import { compareQuantity, formatQuantity, parseQuantity, QUANTITY_REGEX_MESSAGE } from '../../../machinery/api/quantity.js';
import { volumeSourcesOf } from './defaults.js';
import { validateSysctls } from './sysctls.js';

export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const MAX_INT32 = 2147483647;

const label = (v: unknown, field: string) => isDNS1123Label(String(v)).map((m) => invalid(field, v, m));
const subdomain = (v: unknown, field: string) => isDNS1123Subdomain(String(v)).map((m) => invalid(field, v, m));

/** Port given as a number or an IANA name (targetPort, probe ports). */
export function validatePortNumOrName(port: unknown, field: string): Errs {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalid(field, port, m));
  if (typeof port === 'string') {
    if (/^\d+$/.test(port)) return isValidPortNum(Number(port)).map((m) => invalid(field, Number(port), m));
    return isValidPortName(port).map((m) => invalid(field, port, m));
  }
  return [required(field)];
}

function validatePorts(ports: J[], field: string): Errs {
  const errs: Errs = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const ip = index(field, i);
    if (p?.name) {
      const msgs = isValidPortName(String(p.name));
      if (msgs.length) errs.push(...msgs.map((m) => invalid(child(ip, 'name'), p.name, m)));
      else if (names.has(p.name)) errs.push(duplicate(child(ip, 'name'), p.name));
      else names.add(p.name);
    }
    if (!p?.containerPort) errs.push(required(child(ip, 'containerPort')));
    else errs.push(...isValidPortNum(p.containerPort).map((m) => invalid(child(ip, 'containerPort'), p.containerPort, m)));
    if (p?.hostPort) errs.push(...isValidPortNum(p.hostPort).map((m) => invalid(child(ip, 'hostPort'), p.hostPort, m)));
    if (!p?.protocol) errs.push(required(child(ip, 'protocol')));
    else if (!PROTOCOLS.includes(p.protocol)) errs.push(notSupported(child(ip, 'protocol'), p.protocol, PROTOCOLS));
  });
  return errs;
}

function validateEnv(env: J[], field: string): Errs {
  const errs: Errs = [];
  env.forEach((e, i) => {
    const ip = index(field, i);
    if (!e?.name) errs.push(required(child(ip, 'name')));
    else errs.push(...isRelaxedEnvVarName(String(e.name)).map((m) => invalid(child(ip, 'name'), e.name, m)));
    const vf = e?.valueFrom;
    if (!isObj(vf)) return;
    const vp = child(ip, 'valueFrom');
    const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'].filter((s) => isSet(vf[s]));
    if (sources.length === 0)
      errs.push(invalid(vp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (sources.length > 1) errs.push(invalid(vp, '', 'may not have more than one field specified at a time'));
    else if (e.value) errs.push(invalid(vp, '', 'may not be specified when `value` is not empty'));
    if (isObj(vf.fieldRef) && !vf.fieldRef.fieldPath) errs.push(required(child(child(vp, 'fieldRef'), 'fieldPath')));
    if (isObj(vf.resourceFieldRef) && !vf.resourceFieldRef.resource) errs.push(required(child(child(vp, 'resourceFieldRef'), 'resource')));
    for (const ref of ['configMapKeyRef', 'secretKeyRef'] as const) {
      if (!isObj(vf[ref])) continue;
      const rp = child(vp, ref);
      if (!vf[ref].name) errs.push(required(child(rp, 'name')));
      if (!vf[ref].key) errs.push(required(child(rp, 'key')));
      else errs.push(...isConfigMapKey(String(vf[ref].key)).map((m) => invalid(child(rp, 'key'), vf[ref].key, m)));
    }
  });
  return errs;
}

function validateEnvFrom(envFrom: J[], field: string): Errs {
  const errs: Errs = [];
  envFrom.forEach((e, i) => {
    const ip = index(field, i);
    const sources = ['configMapRef', 'secretRef'].filter((s) => isSet(e?.[s]));
    if (sources.length === 0) errs.push(invalid(ip, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources.length > 1) errs.push(invalid(ip, '', 'may not have more than one field specified at a time'));
    for (const s of sources) if (!e[s]?.name) errs.push(required(child(child(ip, s), 'name')));
  });
  return errs;
}

function validateVolumeMounts(mounts: J[], volumeNames: Set<string>, field: string): Errs {
  const errs: Errs = [];
  const paths = new Set<string>();
  mounts.forEach((m, i) => {
    const ip = index(field, i);
    if (!m?.name) errs.push(required(child(ip, 'name')));
    if (!volumeNames.has(m?.name)) errs.push(notFound(child(ip, 'name'), m?.name ?? ''));
    if (!m?.mountPath) errs.push(required(child(ip, 'mountPath')));
    if (paths.has(m?.mountPath)) errs.push(invalid(child(ip, 'mountPath'), m.mountPath, 'must be unique'));
    paths.add(m?.mountPath);
    if (m?.subPath) {
      const sp = String(m.subPath);
      if (sp.startsWith('/')) errs.push(invalid(child(ip, 'subPath'), sp, 'must be a relative path'));
      if (sp.split('/').includes('..')) errs.push(invalid(child(ip, 'subPath'), sp, "must not contain '..'"));
    }
  });
  return errs;
}

const STANDARD_CONTAINER_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];
function validateResourceList(list: unknown, field: string): Errs {
  if (!isObj(list)) return [];
  const errs: Errs = [];
  for (const [name, v] of Object.entries(list)) {
    const fp = key(field, name);
    errs.push(...isQualifiedName(name).map((m) => invalid(fp, name, m)));
    if (!name.includes('/') && !STANDARD_CONTAINER_RESOURCES.includes(name) && !name.startsWith('hugepages-')) {
      errs.push(invalid(fp, name, 'must be a standard resource for containers'));
    }
    const q = typeof v === 'string' || typeof v === 'number' ? parseQuantity(v) : null;
    if (!q) {
      errs.push(invalid(fp, v, QUANTITY_REGEX_MESSAGE));
      continue;
    }
    if (q.nanos < 0n) errs.push(invalid(fp, formatQuantity(q), 'must be greater than or equal to 0'));
    // Extended resources are counted, never fractional.
    if (name.includes('/') && !name.startsWith('kubernetes.io/') && q.nanos % 1000000000n !== 0n)
      errs.push(invalid(fp, formatQuantity(q), 'must be an integer'));
  }
  return errs;
}

export function validateResources(res: J, field: string): Errs {
  if (!isObj(res)) return [];
  const limPath = child(field, 'limits');
  const reqPath = child(field, 'requests');
  const errs = [...validateResourceList(res.limits, limPath), ...validateResourceList(res.requests, reqPath)];
  if (isObj(res.requests) && isObj(res.limits)) {
    for (const [name, r] of Object.entries(res.requests)) {
      const l = Object.hasOwn(res.limits, name) ? res.limits[name] : undefined;
      if (l === undefined || !parseQuantity(r as string) || !parseQuantity(l)) continue;
      const overcommit = STANDARD_CONTAINER_RESOURCES.includes(name);
      const cmp = compareQuantity(r as string, l);
      const rs = formatQuantity(parseQuantity(r as string)!);
      const ls = formatQuantity(parseQuantity(l)!);
      if (cmp !== 0 && !overcommit) errs.push(invalid(reqPath, rs, `must be equal to ${name} limit of ${ls}`));
      else if (cmp > 0) errs.push(invalid(reqPath, rs, `must be less than or equal to ${name} limit of ${ls}`));
    }
  }
  return errs;
}

function validateHandler(h: J, field: string, what: string): Errs {
  if (!isObj(h)) return [];
  const kinds = ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep'].filter((k) => isSet(h[k]));
  const errs: Errs = [];
  if (kinds.length === 0) errs.push(required(field, `must specify a ${what} type`));
  else if (kinds.length > 1) errs.push(forbidden(child(field, kinds[1]), `may not specify more than 1 ${what} type`));
  if (isObj(h.exec) && !arr(h.exec.command).length) errs.push(required(child(child(field, 'exec'), 'command')));
  if (isObj(h.httpGet)) {
    errs.push(...validatePortNumOrName(h.httpGet.port, child(child(field, 'httpGet'), 'port')));
    if (h.httpGet.scheme && !['HTTP', 'HTTPS'].includes(h.httpGet.scheme))
      errs.push(notSupported(child(child(field, 'httpGet'), 'scheme'), h.httpGet.scheme, ['HTTP', 'HTTPS']));
  }
  if (isObj(h.tcpSocket)) errs.push(...validatePortNumOrName(h.tcpSocket.port, child(child(field, 'tcpSocket'), 'port')));
  if (isObj(h.grpc)) errs.push(...isValidPortNum(h.grpc.port).map((m) => invalid(child(child(field, 'grpc'), 'port'), h.grpc.port, m)));
  return errs;
}

function validateProbe(p: J, field: string, successMustBeOne: boolean): Errs {
  if (!isObj(p)) return [];
  const errs = validateHandler(p, field, 'handler');
  for (const f of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
    'terminationGracePeriodSeconds',
  ]) {
    errs.push(...nonNegative(p[f], child(field, f)));
  }
  if (successMustBeOne && p.successThreshold !== undefined && p.successThreshold !== 1)
    errs.push(invalid(child(field, 'successThreshold'), p.successThreshold, 'must be 1'));
  return errs;
}

/** Checks shared by regular, init and ephemeral containers. */
export function validateContainerCommon(c: J, volumeNames: Set<string>, p: string, forPod: boolean): Errs {
  const errs: Errs = [];
  if (!c?.name) errs.push(required(child(p, 'name')));
  else errs.push(...label(c.name, child(p, 'name')));
  if (!c?.image) errs.push(required(child(p, 'image')));
  else if (forPod && String(c.image).trim() !== c.image)
    errs.push(invalid(child(p, 'image'), c.image, 'must not have leading or trailing whitespace'));
  if (c?.terminationMessagePolicy === undefined || c.terminationMessagePolicy === '')
    errs.push(required(child(p, 'terminationMessagePolicy')));
  else if (!TERMINATION_MESSAGE_POLICIES.includes(c.terminationMessagePolicy))
    errs.push(notSupported(child(p, 'terminationMessagePolicy'), c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES));
  if (isObj(c?.lifecycle)) {
    errs.push(...validateHandler(c.lifecycle.postStart, child(child(p, 'lifecycle'), 'postStart'), 'handler'));
    errs.push(...validateHandler(c.lifecycle.preStop, child(child(p, 'lifecycle'), 'preStop'), 'handler'));
  }
  errs.push(...validatePorts(arr(c?.ports), child(p, 'ports')));
  errs.push(...validateEnv(arr(c?.env), child(p, 'env')));
  errs.push(...validateEnvFrom(arr(c?.envFrom), child(p, 'envFrom')));
  errs.push(...validateVolumeMounts(arr(c?.volumeMounts), volumeNames, child(p, 'volumeMounts')));
  if (!c?.imagePullPolicy) errs.push(required(child(p, 'imagePullPolicy')));
  else if (!PULL_POLICIES.includes(c.imagePullPolicy))
    errs.push(notSupported(child(p, 'imagePullPolicy'), c.imagePullPolicy, PULL_POLICIES));
  errs.push(...validateResources(c?.resources, child(p, 'resources')));
  return errs;
}

function validateContainers(containers: J[], volumeNames: Set<string>, p: string, forPod: boolean): Errs {
  const errs: Errs = [];
  if (containers.length === 0) return [required(p)];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const ip = index(p, i);
    errs.push(...validateContainerCommon(c, volumeNames, ip, forPod));
    if (c?.name && names.has(c.name)) errs.push(duplicate(child(ip, 'name'), c.name));
    else if (c?.name) names.add(c.name);
    errs.push(...validateProbe(c?.livenessProbe, child(ip, 'livenessProbe'), true));
    errs.push(...validateProbe(c?.readinessProbe, child(ip, 'readinessProbe'), false));
    errs.push(...validateProbe(c?.startupProbe, child(ip, 'startupProbe'), true));
    if (c?.restartPolicy !== undefined) errs.push(forbidden(child(ip, 'restartPolicy'), 'may not be set for non-init containers'));
  });
  return errs;
}

function validateInitContainers(inits: J[], containers: J[], volumeNames: Set<string>, p: string, forPod: boolean): Errs {
  const errs: Errs = [];
  // Names are unique across regular and init containers; a clash is reported on the init container.
  const names = new Set<string>(containers.map((c) => c?.name).filter(Boolean));
  inits.forEach((c, i) => {
    const ip = index(p, i);
    errs.push(...validateContainerCommon(c, volumeNames, ip, forPod));
    if (c?.name && names.has(c.name)) errs.push(duplicate(child(ip, 'name'), c.name));
    else if (c?.name) names.add(c.name);
    const sidecar = c?.restartPolicy === 'Always';
    if (c?.restartPolicy !== undefined && !sidecar) errs.push(notSupported(child(ip, 'restartPolicy'), c.restartPolicy, ['Always']));
    if (sidecar) {
      errs.push(...validateProbe(c?.livenessProbe, child(ip, 'livenessProbe'), true));
      errs.push(...validateProbe(c?.readinessProbe, child(ip, 'readinessProbe'), false));
      errs.push(...validateProbe(c?.startupProbe, child(ip, 'startupProbe'), true));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (isSet(c?.[f])) errs.push(forbidden(child(ip, f), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

function validateMode(mode: unknown, field: string): Errs {
  return typeof mode === 'number' && (mode < 0 || mode > 0o777)
    ? [invalid(field, mode, 'must be a number between 0 and 0777 (octal), both inclusive')]
    : [];
}

function validateVolumeSource(v: J, p: string): Errs {
  const errs: Errs = [];
  const sources = volumeSourcesOf(v);
  if (sources.length === 0) return [required(p, 'must specify a volume type')];
  for (const s of sources.slice(1)) errs.push(forbidden(child(p, s), 'may not specify more than 1 volume type'));
  if (isObj(v.hostPath) && !v.hostPath.path) errs.push(required(child(child(p, 'hostPath'), 'path')));
  if (
    isObj(v.hostPath) &&
    v.hostPath.type &&
    !['DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'].includes(v.hostPath.type)
  ) {
    errs.push(
      notSupported(child(child(p, 'hostPath'), 'type'), v.hostPath.type, [
        'BlockDevice',
        'CharDevice',
        'Directory',
        'DirectoryOrCreate',
        'File',
        'FileOrCreate',
        'Socket',
      ]),
    );
  }
  if (
    isObj(v.emptyDir) &&
    v.emptyDir.medium &&
    !['Memory', 'HugePages'].includes(v.emptyDir.medium) &&
    !String(v.emptyDir.medium).startsWith('HugePages-')
  ) {
    errs.push(notSupported(child(child(p, 'emptyDir'), 'medium'), v.emptyDir.medium, ['', 'Memory', 'HugePages']));
  }
  if (isObj(v.configMap)) {
    if (!v.configMap.name) errs.push(required(child(child(p, 'configMap'), 'name')));
    errs.push(...validateMode(v.configMap.defaultMode, child(child(p, 'configMap'), 'defaultMode')));
  }
  if (isObj(v.secret)) {
    if (!v.secret.secretName) errs.push(required(child(child(p, 'secret'), 'secretName')));
    errs.push(...validateMode(v.secret.defaultMode, child(child(p, 'secret'), 'defaultMode')));
  }
  if (isObj(v.persistentVolumeClaim) && !v.persistentVolumeClaim.claimName)
    errs.push(required(child(child(p, 'persistentVolumeClaim'), 'claimName')));
  if (isObj(v.nfs)) {
    if (!v.nfs.server) errs.push(required(child(child(p, 'nfs'), 'server')));
    if (!v.nfs.path) errs.push(required(child(child(p, 'nfs'), 'path')));
  }
  return errs;
}

function validateVolumes(volumes: J[], p: string): { errs: Errs; names: Set<string> } {
  const errs: Errs = [];
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    const ip = index(p, i);
    errs.push(...validateVolumeSource(v ?? {}, ip));
    if (!v?.name) errs.push(required(child(ip, 'name')));
    else errs.push(...label(v.name, child(ip, 'name')));
    if (v?.name && names.has(v.name)) errs.push(duplicate(child(ip, 'name'), v.name));
    else if (v?.name) names.add(v.name);
  });
  return { errs, names };
}

const TOLERATION_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
export function validateTolerations(tolerations: J[], p: string): Errs {
  const errs: Errs = [];
  tolerations.forEach((t, i) => {
    const ip = index(p, i);
    if (t?.key) errs.push(...validateLabelName(String(t.key), child(ip, 'key')));
    if (!t?.key && t?.operator !== 'Exists')
      errs.push(
        invalid(
          child(ip, 'operator'),
          t?.operator ?? '',
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    if (t?.tolerationSeconds !== undefined && t?.effect !== 'NoExecute')
      errs.push(invalid(child(ip, 'effect'), t?.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    if (t?.operator === 'Exists' && t?.value)
      errs.push(invalid(child(ip, 'operator'), t.value, "value must be empty when `operator` is 'Exists'"));
    else if (t?.operator && !['Equal', 'Exists'].includes(t.operator))
      errs.push(notSupported(child(ip, 'operator'), t.operator, ['Equal', 'Exists']));
    if (t?.effect && !TOLERATION_EFFECTS.includes(t.effect)) errs.push(notSupported(child(ip, 'effect'), t.effect, TOLERATION_EFFECTS));
  });
  return errs;
}

export interface PodSpecOptions {
  /** A Pod (not a template): image whitespace is checked, as ValidatePodCreate does. */
  forPod: boolean;
}

/** ValidatePodSpec. `p` is the spec's path (`spec` or `spec.template.spec`). */
export function validatePodSpec(spec: J, p: string, opts: PodSpecOptions): Errs {
  if (!isObj(spec)) return [required(child(p, 'containers'))];
  const vols = validateVolumes(arr(spec.volumes), child(p, 'volumes'));
  const errs: Errs = [...vols.errs];
  errs.push(...validateContainers(arr(spec.containers), vols.names, child(p, 'containers'), opts.forPod));
  errs.push(...validateInitContainers(arr(spec.initContainers), arr(spec.containers), vols.names, child(p, 'initContainers'), opts.forPod));
  if (!spec.restartPolicy) errs.push(required(child(p, 'restartPolicy')));
  else if (!RESTART_POLICIES.includes(spec.restartPolicy))
    errs.push(notSupported(child(p, 'restartPolicy'), spec.restartPolicy, RESTART_POLICIES));
  if (!spec.dnsPolicy) errs.push(required(child(p, 'dnsPolicy')));
  else if (!DNS_POLICIES.includes(spec.dnsPolicy)) errs.push(notSupported(child(p, 'dnsPolicy'), spec.dnsPolicy, DNS_POLICIES));
  if (spec.dnsPolicy === 'None' && !isObj(spec.dnsConfig))
    errs.push(required(child(p, 'dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'));
  errs.push(...validateLabels(spec.nodeSelector, child(p, 'nodeSelector')));
  if (spec.serviceAccountName) errs.push(...subdomain(spec.serviceAccountName, child(p, 'serviceAccountName')));
  if (spec.nodeName) errs.push(...subdomain(spec.nodeName, child(p, 'nodeName')));
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    const v = spec.activeDeadlineSeconds;
    if (typeof v !== 'number' || v < 1 || v > MAX_INT32)
      errs.push(invalid(child(p, 'activeDeadlineSeconds'), v, inclusiveRangeError(1, MAX_INT32)));
  }
  if (spec.hostname) errs.push(...label(spec.hostname, child(p, 'hostname')));
  if (spec.subdomain) errs.push(...label(spec.subdomain, child(p, 'subdomain')));
  errs.push(...validateTolerations(arr(spec.tolerations), child(p, 'tolerations')));
  if (spec.priorityClassName) errs.push(...subdomain(spec.priorityClassName, child(p, 'priorityClassName')));
  if (spec.preemptionPolicy && !['Never', 'PreemptLowerPriority'].includes(spec.preemptionPolicy)) {
    errs.push(notSupported(child(p, 'preemptionPolicy'), spec.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
  }
  errs.push(...validateSysctls(spec, p));
  return errs;
}
