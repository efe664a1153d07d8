// Registry credentials from a pod's imagePullSecrets, as kubelet's docker keyring: secrets of type
// kubernetes.io/dockerconfigjson (`.dockerconfigjson`, {"auths": {...}}) or the legacy kubernetes.io/dockercfg
// (`.dockercfg`, the map itself); an image is matched against every key by host (globs allowed, port exact)
// and path prefix, the most specific key first. Each match is tried in turn until a pull succeeds.
import { GVR, type Client } from '../../client/types.js';
import type { KObject } from '../../machinery/api/meta.js';
import { StatusError } from '../../machinery/api/errors.js';

/** The X-Registry-Auth body the engine takes for one pull. */
export type RegistryAuth = {
  username?: string;
  password?: string;
  auth?: string;
  email?: string;
  serveraddress: string;
  identitytoken?: string;
  registrytoken?: string;
};

type DockerConfigEntry = {
  username?: string;
  password?: string;
  auth?: string;
  email?: string;
  identitytoken?: string;
  registrytoken?: string;
};
interface KeyEntry {
  key: string;
  scheme?: string;
  host: string;
  port?: string;
  path: string;
  entry: DockerConfigEntry;
}

const DEFAULT_REGISTRY = 'index.docker.io';

function decodeData(secret: KObject, key: string): string | undefined {
  const data = (secret as { data?: Record<string, string> }).data;
  const v = data?.[key];
  return v ? Buffer.from(v, 'base64').toString('utf8') : undefined;
}

/** The registry → credentials map a pull secret holds (empty for other secret types or unparsable data). */
export function dockerConfigOf(secret: KObject): Record<string, DockerConfigEntry> {
  const type = (secret as { type?: string }).type;
  try {
    if (type === 'kubernetes.io/dockerconfigjson') {
      const text = decodeData(secret, '.dockerconfigjson');
      return text ? ((JSON.parse(text) as { auths?: Record<string, DockerConfigEntry> }).auths ?? {}) : {};
    }
    if (type === 'kubernetes.io/dockercfg') {
      const text = decodeData(secret, '.dockercfg');
      return text ? (JSON.parse(text) as Record<string, DockerConfigEntry>) : {};
    }
  } catch {
    /* kubelet skips a secret it cannot parse */
  }
  return {};
}

/** A keyring key as kubelet parses it: optional scheme, host[:port], path; the Docker Hub v1 URL means index.docker.io. */
function parseKey(raw: string): Omit<KeyEntry, 'entry' | 'key'> {
  let key = raw;
  if (key === 'https://index.docker.io/v1/' || key === 'index.docker.io/v1/') key = DEFAULT_REGISTRY;
  let scheme: string | undefined;
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(key);
  if (m) {
    scheme = m[1]!.toLowerCase();
    key = key.slice(m[0].length);
  }
  const slash = key.indexOf('/');
  const hostPort = slash < 0 ? key : key.slice(0, slash);
  const path = slash < 0 ? '' : key.slice(slash).replace(/\/+$/, '');
  const colon = hostPort.lastIndexOf(':');
  const host = colon < 0 ? hostPort : hostPort.slice(0, colon);
  const port = colon < 0 ? undefined : hostPort.slice(colon + 1);
  return { ...(scheme ? { scheme } : {}), host: host.toLowerCase(), ...(port ? { port } : {}), path };
}

/** The registry host[:port] and repository path of an image reference (no registry part → Docker Hub). */
export function registryOf(image: string): { hostPort: string; repo: string } {
  const name = image.split('@')[0]!.replace(/:[^/]*$/, '');
  const first = name.split('/')[0]!;
  const hasRegistry = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) return { hostPort: DEFAULT_REGISTRY, repo: name.includes('/') ? name : `library/${name}` };
  const host = first === 'docker.io' ? DEFAULT_REGISTRY : first;
  return { hostPort: host, repo: name.slice(first.length + 1) };
}

const globPart = (glob: string, part: string) =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^.]*')
      .replace(/\?/g, '[^.]')}$`,
  ).test(part);

function matches(k: KeyEntry, image: { hostPort: string; repo: string }): boolean {
  if (k.scheme && k.scheme !== 'https' && k.scheme !== 'http') return false;
  const t = parseKey(image.hostPort);
  const gp = k.host.split('.');
  const tp = t.host.split('.');
  if (gp.length !== tp.length || !gp.every((g, i) => globPart(g, tp[i]!))) return false;
  if ((k.port ?? '') !== (t.port ?? '')) return false;
  const target = `/${image.repo}`;
  return !k.path || target === k.path || target.startsWith(`${k.path}/`);
}

/** Credentials to try for `image`, most specific key first (kubelet sorts its index in reverse order). */
export function credentialsFor(image: string, secrets: KObject[]): RegistryAuth[] {
  const keys: KeyEntry[] = [];
  for (const s of secrets) {
    for (const [key, entry] of Object.entries(dockerConfigOf(s))) keys.push({ key, entry, ...parseKey(key) });
  }
  const target = registryOf(image);
  keys.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
  const out: RegistryAuth[] = [];
  for (const k of keys) {
    if (!matches(k, target)) continue;
    let { username, password } = k.entry;
    // `auth` (base64 user:password) wins over the separate fields, as in Docker's config file.
    if (k.entry.auth) {
      const decoded = Buffer.from(k.entry.auth, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i > 0) {
        username = decoded.slice(0, i);
        password = decoded.slice(i + 1);
      }
    }
    out.push({
      serveraddress: target.hostPort,
      ...(username !== undefined ? { username } : {}),
      ...(password !== undefined ? { password } : {}),
      ...(k.entry.email ? { email: k.entry.email } : {}),
      ...(k.entry.identitytoken ? { identitytoken: k.entry.identitytoken } : {}),
      ...(k.entry.registrytoken ? { registrytoken: k.entry.registrytoken } : {}),
    });
  }
  return out;
}

/** What of a pod names its pull secrets. */
export interface PodPullSecretRefs {
  metadata: { namespace?: string };
  spec?: object;
}

/**
 * The pod's imagePullSecrets that exist (kubelet's getPullSecretsForPod); the missing ones are reported
 * through `onMissing` with kubelet's FailedToRetrieveImagePullSecret message and the pull goes on without them.
 */
export async function fetchPullSecrets(client: Client, pod: PodPullSecretRefs, onMissing: (message: string) => void): Promise<KObject[]> {
  const refs = ((pod.spec as { imagePullSecrets?: { name?: string }[] } | undefined)?.imagePullSecrets ?? [])
    .map((r) => r.name)
    .filter((n): n is string => !!n);
  const found: KObject[] = [];
  const failed: string[] = [];
  for (const name of refs) {
    try {
      found.push(await client.get(GVR.secrets, pod.metadata.namespace, name));
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) failed.push(name);
      else throw e;
    }
  }
  if (failed.length) {
    onMissing(`Unable to retrieve some image pull secrets (${failed.join(', ')}); attempting to pull the image may not succeed.`);
  }
  return found;
}
