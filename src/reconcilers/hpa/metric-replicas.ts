// computeReplicasForMetrics of horizontal.go: a proposal per metric spec (the largest wins), each metric's status
// at its spec's index, and what to do when some cannot be computed (all invalid, or some invalid while the rest would
// scale down: no proposal). Resource and ContainerResource metrics come from metrics.k8s.io; Pods, Object and
// External metrics need the custom/external metrics APIs, which dockube does not serve, so they fail as upstream does
// when those APIs do not answer.
import type { Client } from '../../client/types.js';
import type { KObject } from '../../machinery/api/meta.js';
import { formatQuantity } from '../../machinery/api/quantity.js';
import { getResourceMetric, milliValue } from './metrics.js';
import { plainMetricReplicas, resourceReplicas, type CalculatorOptions } from './replica-calculator.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface MetricCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export interface MetricsProposal {
  /** -1 when no proposal can be made (invalidMetricError set). */
  replicas: number;
  metricName: string;
  statuses: J[];
  /** ScalingActive as the metrics leave it. */
  condition: MetricCondition;
  error?: Error;
}

export interface MetricContext {
  client: Client;
  namespace: string;
  selector: string;
  /** The pods the selector matches (the pod lister's answer). */
  pods: KObject[];
  calc: Omit<CalculatorOptions, 'now'>;
  now: () => number;
  /** getUnableComputeReplicaCountCondition's event. */
  warn(reason: string, message: string): void;
}

/** resource.NewMilliQuantity(v, DecimalSI).String(). */
const milliQuantity = (milli: number) => formatQuantity({ nanos: BigInt(Math.trunc(milli)) * 1_000_000n, format: 'DecimalSI' });

interface Proposal {
  replicas: number;
  metricName: string;
  status: J;
}

const FAILED_REASON: Record<string, string> = {
  Resource: 'FailedGetResourceMetric',
  ContainerResource: 'FailedGetContainerResourceMetric',
  Pods: 'FailedGetPodsMetric',
  Object: 'FailedGetObjectMetric',
  External: 'FailedGetExternalMetric',
};

/** computeStatusForResourceMetricGeneric. */
async function resourceProposal(ctx: MetricContext, spec: J, specReplicas: number, container: boolean): Promise<Proposal> {
  const src: J = (container ? spec.containerResource : spec.resource) ?? {};
  const name = String(src.name ?? '');
  const target: J = src.target ?? {};
  const containerName = container ? String(src.container ?? '') : '';
  const field = container ? 'containerResource' : 'resource';
  const statusOf = (current: J): J => ({ type: spec.type, [field]: { name, ...(container ? { container: containerName } : {}), current } });
  const opts = { ...ctx.calc, now: ctx.now() };
  if (target.averageValue !== undefined) {
    const targetMilli = milliValue(target.averageValue) ?? 0;
    let r;
    try {
      const { metrics } = await getResourceMetric(ctx.client, name, ctx.namespace, ctx.selector, containerName);
      r = plainMetricReplicas(specReplicas, targetMilli, name, ctx.pods, metrics, opts);
    } catch (e) {
      throw new Error(`failed to get ${name} usage: unable to get metrics for resource ${name}: ${(e as Error).message}`);
    }
    return { replicas: r.replicas, metricName: `${name} resource`, status: statusOf({ averageValue: milliQuantity(r.rawAverage) }) };
  }
  if (target.averageUtilization === undefined) {
    throw new Error('invalid resource metric source: neither an average utilization target nor an average value (usage) target was set');
  }
  let r;
  try {
    const { metrics } = await getResourceMetric(ctx.client, name, ctx.namespace, ctx.selector, containerName);
    r = resourceReplicas(specReplicas, target.averageUtilization, name, containerName, ctx.pods, metrics, milliValue, opts);
  } catch (e) {
    throw new Error(`failed to get ${name} utilization: unable to get metrics for resource ${name}: ${(e as Error).message}`);
  }
  return {
    replicas: r.replicas,
    metricName: container
      ? `${name} container resource utilization (percentage of request)`
      : `${name} resource utilization (percentage of request)`,
    status: statusOf({ averageValue: milliQuantity(r.rawAverage), averageUtilization: r.utilization }),
  };
}

async function proposalFor(ctx: MetricContext, spec: J, specReplicas: number): Promise<Proposal> {
  switch (spec.type) {
    case 'Resource':
      return resourceProposal(ctx, spec, specReplicas, false);
    case 'ContainerResource':
      return resourceProposal(ctx, spec, specReplicas, true);
    case 'Pods':
      throw new Error(
        `failed to get pods metric value: unable to get metric ${spec.pods?.metric?.name}: no custom metrics API (custom.metrics.k8s.io) is served`,
      );
    case 'Object':
      throw new Error(
        `failed to get object metric value: unable to get metric ${spec.object?.metric?.name}: no custom metrics API (custom.metrics.k8s.io) is served`,
      );
    case 'External':
      throw new Error(
        `failed to get external metric ${spec.external?.metric?.name}: no external metrics API (external.metrics.k8s.io) is served`,
      );
    default:
      throw new Error(`unknown metric source type "${spec.type}"`);
  }
}

export async function computeReplicasForMetrics(ctx: MetricContext, metricSpecs: J[], specReplicas: number): Promise<MetricsProposal> {
  const statuses: J[] = metricSpecs.map(() => ({ type: '' }));
  let replicas = 0;
  let metricName = '';
  let invalidCount = 0;
  let firstError: Error | undefined;
  let invalidCondition: MetricCondition | undefined;
  for (const [i, spec] of metricSpecs.entries()) {
    try {
      const p = await proposalFor(ctx, spec, specReplicas);
      statuses[i] = p.status;
      if (replicas === 0 || p.replicas > replicas) {
        replicas = p.replicas;
        metricName = p.metricName;
      }
    } catch (e) {
      const err = e as Error;
      const reason = FAILED_REASON[spec.type] ?? 'InvalidMetricSourceType';
      ctx.warn(reason, err.message);
      if (invalidCount === 0) {
        firstError = err;
        invalidCondition = {
          type: 'ScalingActive',
          status: 'False',
          reason,
          message: `the HPA was unable to compute the replica count: ${err.message}`,
        };
      }
      invalidCount++;
    }
  }
  const error = firstError
    ? new Error(`invalid metrics (${invalidCount} invalid out of ${metricSpecs.length}), first error is: ${firstError.message}`)
    : undefined;
  if (invalidCount >= metricSpecs.length || (invalidCount > 0 && replicas < specReplicas)) {
    return { replicas: -1, metricName: '', statuses, condition: invalidCondition!, error };
  }
  return {
    replicas,
    metricName,
    statuses,
    condition: {
      type: 'ScalingActive',
      status: 'True',
      reason: 'ValidMetricFound',
      message: `the HPA was able to successfully calculate a replica count from ${metricName}`,
    },
    error,
  };
}
