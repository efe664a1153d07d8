// Pod and PodSpec defaults (pkg/apis/core/v1/defaults.go), shared by pods and pod templates.
import { arr, isObj, obj, type J } from '../common/field.js';
import { canonicalizeResourceList } from '../../../machinery/api/quantity.js';

/** Image without a tag or with `:latest` (and no digest) is pulled every time. */
export function defaultPullPolicy(image: unknown): string {
  const img = String(image ?? '');
  // An unparsable (e.g. empty) image or a digest reference counts as pinned.
  if (img === '' || img.includes('@')) return 'IfNotPresent';
  const lastSlash = img.lastIndexOf('/');
  const colon = img.indexOf(':', lastSlash + 1);
  const tag = colon >= 0 ? img.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: J): void {
  if (!isObj(p)) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (isObj(p.httpGet)) {
    p.httpGet.path ||= '/';
    p.httpGet.scheme ||= 'HTTP';
  }
}
function defaultLifecycleHandler(h: J): void {
  if (isObj(h?.httpGet)) {
    h.httpGet.path ||= '/';
    h.httpGet.scheme ||= 'HTTP';
  }
}

function defaultEnv(env: J[]): void {
  for (const e of env) {
    if (isObj(e?.valueFrom?.fieldRef)) e.valueFrom.fieldRef.apiVersion ||= 'v1';
    const rf = e?.valueFrom?.resourceFieldRef;
    if (isObj(rf) && rf.divisor !== undefined) {
      const holder: Record<string, unknown> = { d: rf.divisor };
      canonicalizeResourceList(holder);
      rf.divisor = holder.d;
    }
  }
}

/** SetDefaults_Container and friends. Also used for init and ephemeral containers. */
export function defaultContainer(c: J, hostNetwork: boolean): void {
  if (!isObj(c)) return;
  if (!c.imagePullPolicy) c.imagePullPolicy = defaultPullPolicy(c.image);
  c.terminationMessagePath ||= '/dev/termination-log';
  c.terminationMessagePolicy ||= 'File';
  c.resources = obj(c.resources);
  canonicalizeResourceList(c.resources.requests);
  canonicalizeResourceList(c.resources.limits);
  for (const p of arr(c.ports)) {
    if (!isObj(p)) continue;
    p.protocol ||= 'TCP';
    // With the host's network the container port is the host port.
    if (hostNetwork && !p.hostPort && p.containerPort) p.hostPort = p.containerPort;
  }
  defaultEnv(arr(c.env));
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isObj(c.lifecycle)) {
    defaultLifecycleHandler(c.lifecycle.postStart);
    defaultLifecycleHandler(c.lifecycle.preStop);
  }
}

const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];
export const volumeSourcesOf = (v: J) => VOLUME_SOURCES.filter((s) => v?.[s] !== undefined && v?.[s] !== null);

function defaultVolume(v: J): void {
  if (!isObj(v)) return;
  // A volume with no source is an emptyDir (SetDefaults_Volume).
  if (volumeSourcesOf(v).length === 0) v.emptyDir = {};
  if (isObj(v.configMap)) v.configMap.defaultMode ??= 420;
  if (isObj(v.secret)) v.secret.defaultMode ??= 420;
  if (isObj(v.downwardAPI)) {
    v.downwardAPI.defaultMode ??= 420;
    for (const it of arr(v.downwardAPI.items)) if (isObj(it?.fieldRef)) it.fieldRef.apiVersion ||= 'v1';
  }
  if (isObj(v.projected)) {
    v.projected.defaultMode ??= 420;
    for (const s of arr(v.projected.sources)) {
      if (isObj(s?.serviceAccountToken)) s.serviceAccountToken.expirationSeconds ??= 3600;
      for (const it of arr(s?.downwardAPI?.items)) if (isObj(it?.fieldRef)) it.fieldRef.apiVersion ||= 'v1';
    }
  }
  if (isObj(v.hostPath)) v.hostPath.type ??= '';
  if (isObj(v.emptyDir) && v.emptyDir.sizeLimit !== undefined) {
    const holder = { s: v.emptyDir.sizeLimit };
    canonicalizeResourceList(holder);
    v.emptyDir.sizeLimit = holder.s;
  }
}

/** SetDefaults_PodSpec (what pod templates also get). */
export function defaultPodSpec(spec: J): void {
  if (!isObj(spec)) return;
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext = obj(spec.securityContext);
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ||= 'default-scheduler';
  // serviceAccount is the deprecated alias of serviceAccountName; both are served.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
  const hostNetwork = spec.hostNetwork === true;
  for (const c of arr(spec.initContainers)) defaultContainer(c, hostNetwork);
  for (const c of arr(spec.containers)) defaultContainer(c, hostNetwork);
  for (const c of arr(spec.ephemeralContainers)) defaultContainer(c, hostNetwork);
  for (const v of arr(spec.volumes)) defaultVolume(v);
  for (const t of arr(spec.tolerations)) if (isObj(t) && t.operator === undefined && t.key) t.operator = 'Equal';
  canonicalizeResourceList(spec.overhead);
}

/** SetDefaults_Pod: only for Pods, not for templates. */
export function defaultPod(pod: J): void {
  const spec = pod?.spec;
  if (!isObj(spec)) return;
  defaultPodSpec(spec);
  spec.enableServiceLinks ??= true;
  // Limits without requests mean requests equal to the limits.
  for (const c of [...arr(spec.initContainers), ...arr(spec.containers)]) {
    const r = c?.resources;
    if (!isObj(r) || !isObj(r.limits)) continue;
    r.requests = obj(r.requests);
    for (const [k, v] of Object.entries(r.limits)) if (r.requests[k] === undefined) r.requests[k] = v;
  }
}

/**
 * What admission plugins add to a new Pod (ServiceAccount, Priority, DefaultTolerationSeconds).
 * Only on create: Kubernetes runs them on CREATE.
 */
export function admitNewPod(pod: J): void {
  const spec = pod?.spec;
  if (!isObj(spec)) return;
  if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || 'default';
  spec.serviceAccount = spec.serviceAccountName;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  const tolerations: J[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const has = tolerations.some(
      (t) => (t?.key === key || (!t?.key && t?.operator === 'Exists')) && (!t?.effect || t.effect === 'NoExecute'),
    );
    if (!has) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
}
