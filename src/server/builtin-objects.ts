// Objects kube-apiserver keeps in every cluster beside the namespaces: the `kubernetes` ServiceCIDR (the
// --service-cidr), one Local APIService per served group-version (Available, as kube-aggregator's autoregister
// controller writes them) and the mandatory API Priority and Fairness objects (exempt and catch-all). Created when
// missing on every start (one list per kind says what is); what users changed is kept.
import { StatusError } from '../machinery/api/errors.js';
import type { KObject } from '../machinery/api/meta.js';
import type { ResourceService, WriteContext } from '../registry/service.js';
import type { ResourceDef } from '../registry/types.js';
import { existingNames } from './existing-names.js';

/** kube-aggregator's default priorities (group, version) of the built-in group-versions; others get 15000/15. */
const PRIORITIES: Record<string, [number, number]> = {
  v1: [18000, 1],
  'apiregistration.k8s.io/v1': [18000, 1],
  'apps/v1': [17800, 15],
  'events.k8s.io/v1': [17750, 15],
  'authentication.k8s.io/v1': [17700, 15],
  'authorization.k8s.io/v1': [17600, 15],
  'autoscaling/v1': [17500, 15],
  'autoscaling/v2': [17500, 30],
  'batch/v1': [17400, 15],
  'certificates.k8s.io/v1': [17300, 15],
  'networking.k8s.io/v1': [17200, 15],
  'policy/v1': [17100, 15],
  'rbac.authorization.k8s.io/v1': [17000, 15],
  'storage.k8s.io/v1': [16800, 15],
  'apiextensions.k8s.io/v1': [16700, 15],
  'admissionregistration.k8s.io/v1': [16700, 15],
  'scheduling.k8s.io/v1': [16600, 15],
  'coordination.k8s.io/v1': [16500, 15],
  'node.k8s.io/v1': [16300, 15],
  'discovery.k8s.io/v1': [16200, 15],
  'flowcontrol.apiserver.k8s.io/v1': [16100, 21],
  // metrics-server's own APIService manifest registers metrics.k8s.io with these.
  'metrics.k8s.io/v1beta1': [100, 100],
};

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

const allResources = { verbs: ['*'], apiGroups: ['*'], resources: ['*'], clusterScope: true, namespaces: ['*'] };
const allNonResources = { verbs: ['*'], nonResourceURLs: ['*'] };
const groupSubjects = (...names: string[]) => names.map((name) => ({ kind: 'Group', group: { name } }));

/** staging/src/k8s.io/apiserver/pkg/apis/flowcontrol/bootstrap: MandatoryPriorityLevelConfigurations. */
const MANDATORY_PRIORITY_LEVELS: KObject[] = [
  { metadata: { name: 'exempt' }, spec: { type: 'Exempt', exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } } },
  {
    metadata: { name: 'catch-all' },
    spec: { type: 'Limited', limited: { nominalConcurrencyShares: 5, lendablePercent: 0, limitResponse: { type: 'Reject' } } },
  },
];
/** MandatoryFlowSchemas: system:masters is exempt; everyone else is caught by catch-all, one flow per user. */
const MANDATORY_FLOW_SCHEMAS: KObject[] = [
  {
    metadata: { name: 'exempt' },
    spec: {
      priorityLevelConfiguration: { name: 'exempt' },
      matchingPrecedence: 1,
      rules: [{ subjects: groupSubjects('system:masters'), resourceRules: [allResources], nonResourceRules: [allNonResources] }],
    },
  },
  {
    metadata: { name: 'catch-all' },
    spec: {
      priorityLevelConfiguration: { name: 'catch-all' },
      matchingPrecedence: 10000,
      distinguisherMethod: { type: 'ByUser' },
      rules: [
        {
          subjects: groupSubjects('system:unauthenticated', 'system:authenticated'),
          resourceRules: [allResources],
          nonResourceRules: [allNonResources],
        },
      ],
    },
  },
];

/** Creates `obj` unless its name is in `existing`, then writes `status` through /status. */
async function ensure(
  service: ResourceService,
  def: ResourceDef | undefined,
  existing: Set<string>,
  obj: KObject,
  ctx: WriteContext,
  status?: unknown,
) {
  if (!def || existing.has(obj.metadata.name!)) return;
  try {
    const created = await service.create(def, undefined, obj, ctx);
    if (status !== undefined) await service.update(def, undefined, obj.metadata.name!, { ...created, status } as KObject, ctx, 'status');
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 409)) throw e;
  }
}

/** What exists of `def` (nothing when the kind is not served). */
const namesOf = async (service: ResourceService, def: ResourceDef | undefined) => (def ? existingNames(service, def) : new Set<string>());

export async function ensureBuiltinObjects(service: ResourceService, serviceCidr: string, ctx: WriteContext): Promise<void> {
  const def = (group: string, plural: string) => service.registry.defs.find((d) => d.group === group && d.plural === plural);
  const autoupdate = { 'apf.kubernetes.io/autoupdate-spec': 'true' };
  const cidrs = def('networking.k8s.io', 'servicecidrs');
  const levels = def('flowcontrol.apiserver.k8s.io', 'prioritylevelconfigurations');
  const schemas = def('flowcontrol.apiserver.k8s.io', 'flowschemas');
  const apiServices = def('apiregistration.k8s.io', 'apiservices');
  // One list per kind; the kinds are independent of one another, so they are written side by side.
  const [haveCidrs, haveLevels, haveSchemas, haveApiServices] = await Promise.all(
    [cidrs, levels, schemas, apiServices].map((d) => namesOf(service, d)),
  );
  const writes: Promise<void>[] = [];
  writes.push(
    ensure(service, cidrs, haveCidrs!, { metadata: { name: 'kubernetes' }, spec: { cidrs: [serviceCidr] } }, ctx, {
      conditions: [
        { type: 'Ready', status: 'True', reason: 'Ready', message: 'Kubernetes Service CIDR is ready', lastTransitionTime: now() },
      ],
    }),
  );
  for (const pl of MANDATORY_PRIORITY_LEVELS)
    writes.push(ensure(service, levels, haveLevels!, { ...pl, metadata: { ...pl.metadata, annotations: autoupdate } }, ctx));
  for (const fs of MANDATORY_FLOW_SCHEMAS) {
    const pl = String((fs.spec as { priorityLevelConfiguration: { name: string } }).priorityLevelConfiguration.name);
    writes.push(
      ensure(service, schemas, haveSchemas!, { ...fs, metadata: { ...fs.metadata, annotations: autoupdate } }, ctx, {
        conditions: [
          {
            type: 'Dangling',
            status: 'False',
            reason: 'Found',
            message: `This FlowSchema references the PriorityLevelConfiguration object named "${pl}" and it exists`,
            lastTransitionTime: now(),
          },
        ],
      }),
    );
  }
  const seen = new Set<string>();
  for (const d of service.registry.defs) {
    const gv = d.group ? `${d.group}/${d.version}` : d.version;
    if (seen.has(gv)) continue;
    seen.add(gv);
    const [groupPriorityMinimum, versionPriority] = PRIORITIES[gv] ?? [15000, 15];
    writes.push(
      ensure(
        service,
        apiServices,
        haveApiServices!,
        {
          metadata: { name: `${d.version}.${d.group}`, labels: { 'kube-aggregator.kubernetes.io/automanaged': 'onstart' } },
          spec: { group: d.group, version: d.version, groupPriorityMinimum, versionPriority },
        },
        ctx,
        {
          conditions: [
            {
              type: 'Available',
              status: 'True',
              reason: 'Local',
              message: 'Local APIServices are always available',
              lastTransitionTime: now(),
            },
          ],
        },
      ),
    );
  }
  await Promise.all(writes);
}
