// The horizontal pod autoscaler (kube-controller-manager's pkg/controller/podautoscaler, horizontal.go): every sync
// period (15 s) each HorizontalPodAutoscaler reads its target's /scale, proposes a replica count from its metrics
// (metrics.k8s.io PodMetrics against the pods' requests), normalizes it (stabilization window, behavior policies,
// min/max) and writes the new count through /scale, with the AbleToScale / ScalingActive / ScalingLimited conditions,
// SuccessfulRescale events and status currentReplicas/desiredReplicas/currentMetrics/lastScaleTime. Through the
// client seam as kube-system/horizontal-pod-autoscaler.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import { deepEqual } from '../../machinery/api/equality.js';
import { parseLabelSelector } from '../../machinery/labels.js';
import { Informer, PREDICATE } from '../../client/informer.js';
import { KUBE_CONTROLLER_MANAGER, controllerIdentity } from '../../client/identities.js';
import { GVR, objectKey, splitKey, type ApiResource, type Client, type Gvr } from '../../client/types.js';
import { Controller } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { EventRecorder } from '../event-recorder.js';
import { setCondition, type HpaCondition } from './conditions.js';
import { computeReplicasForMetrics } from './metric-replicas.js';
import { ScaleHistory, type Behavior } from './normalize.js';
import type { CalculatorOptions } from './replica-calculator.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const HPAS: Gvr = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' };
export const HPA_CONTROLLER = 'horizontal-pod-autoscaler';
const FIELD_MANAGER = 'kube-controller-manager';
/** --horizontal-pod-autoscaler-sync-period. */
export const DEFAULT_SYNC_PERIOD_MS = 15_000;

export interface HpaControllerOptions {
  syncPeriodMs?: number;
  now?: () => number;
  recorder?: EventRecorder;
  /** The replica calculator's tolerance and readiness periods (upstream's flags). */
  calculator?: Omit<CalculatorOptions, 'now'>;
  downscaleStabilisationWindowMs?: number;
}

export interface RunningHpaController {
  controller: Controller;
  recorder: EventRecorder;
  stop(): void;
}

const metaNow = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

export async function startHpaController(ctx: ReconcilerContext, opts: HpaControllerOptions = {}): Promise<RunningHpaController> {
  const client: Client = ctx.client(controllerIdentity(HPA_CONTROLLER));
  const now = opts.now ?? Date.now;
  const syncPeriodMs = opts.syncPeriodMs ?? DEFAULT_SYNC_PERIOD_MS;
  const recorder = opts.recorder ?? new EventRecorder(client, ctx.log);
  const history = new ScaleHistory(now, opts.downscaleStabilisationWindowMs);
  const onError = (err: Error) => ctx.log.warn({ controller: 'horizontal-pod-autoscaler', err: err.message }, 'informer');
  const hpas = new Informer(client, HPAS, { onError });
  // Its role lists pods but does not watch them: upstream it sees them through kube-controller-manager's shared informer.
  const pods = new Informer(ctx.client(KUBE_CONTROLLER_MANAGER), GVR.pods, { onError });
  const event = (hpa: KObject, type: 'Normal' | 'Warning', reason: string, message: string) =>
    recorder.record({ ...hpa, apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' }, type, reason, message, {
      component: HPA_CONTROLLER,
    });

  // The RESTMapper: kind in a group → its resource, from discovery (refreshed when a kind is not found).
  let mapping: ApiResource[] = [];
  const resolve = async (apiVersion: string, kind: string): Promise<Gvr | undefined> => {
    const find = () => mapping.find((r) => r.kind === kind && r.gvr.group === groupOf(apiVersion));
    if (!find()) mapping = await client.resources();
    const r = find();
    return r && { ...r.gvr, version: apiVersion.includes('/') ? apiVersion.split('/')[1]! : apiVersion };
  };

  const writeStatus = async (hpa: KObject, status: J, old: J): Promise<void> => {
    if (deepEqual(status, old)) return;
    try {
      await client.updateStatus(HPAS, hpa.metadata.namespace, { ...hpa, status }, { fieldManager: FIELD_MANAGER });
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return;
      event(hpa, 'Warning', 'FailedUpdateStatus', (e as Error).message);
      throw e;
    }
  };

  /** reconcileAutoscaler: one sync of one autoscaler; `status` is the new status, written by the caller. */
  const reconcileAutoscaler = async (hpa: KObject, key: string, status: J): Promise<void> => {
    const spec: J = hpa.spec ?? {};
    const ref: J = spec.scaleTargetRef ?? {};
    const conditions: HpaCondition[] = status.conditions;
    const nowText = metaNow(now());
    const cond = (type: string, s: string, reason: string, message: string) => setCondition(conditions, type, s, reason, message, nowText);
    const failScale = (err: string): Error => {
      event(hpa, 'Warning', 'FailedGetScale', err);
      cond('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${err}`);
      return new Error(err);
    };
    const apiVersion = String(ref.apiVersion ?? '');
    const gvr = await resolve(apiVersion, String(ref.kind ?? '')).catch(() => undefined);
    if (!gvr) throw failScale(`no matches for kind "${ref.kind}" in group "${groupOf(apiVersion)}"`);
    let scale: J;
    try {
      scale = await client.get(gvr, hpa.metadata.namespace, String(ref.name ?? ''), { subresource: 'scale' });
    } catch (e) {
      throw failScale(`failed to query scale subresource for ${ref.kind}/${ref.name}: ${(e as Error).message}`);
    }
    cond('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
    const currentReplicas: number = scale.spec?.replicas ?? 0;
    history.recordInitialRecommendation(key, currentReplicas);
    const minReplicas: number = spec.minReplicas ?? 1;
    const maxReplicas: number = spec.maxReplicas ?? 0;
    let desiredReplicas = 0;
    let rescaleReason = '';
    let metricStatuses: J[] = status.currentMetrics ?? [];
    let rescale = true;
    if (currentReplicas === 0 && minReplicas !== 0) {
      // Autoscaling is disabled for this resource.
      rescale = false;
      cond('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
    } else if (currentReplicas > maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desiredReplicas = maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desiredReplicas = minReplicas;
    } else {
      const selectorText = String(scale.status?.selector ?? '');
      if (!selectorText) {
        event(hpa, 'Warning', 'SelectorRequired', 'selector is required');
        cond('ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector");
        throw new Error('selector is required');
      }
      let selector;
      try {
        selector = parseLabelSelector(selectorText);
      } catch (e) {
        const msg = `couldn't convert selector into a corresponding internal selector object: ${(e as Error).message}`;
        event(hpa, 'Warning', 'InvalidSelector', msg);
        cond('ScalingActive', 'False', 'InvalidSelector', msg);
        throw new Error(msg);
      }
      const ns = hpa.metadata.namespace ?? '';
      const selected = pods.byIndex('namespace', ns).filter((p) => selector.matches(p.metadata.labels ?? {}));
      const proposal = await computeReplicasForMetrics(
        {
          client,
          namespace: ns,
          selector: selectorText,
          pods: selected,
          calc: opts.calculator ?? {},
          now,
          warn: (reason, message) => event(hpa, 'Warning', reason, message),
        },
        Array.isArray(spec.metrics) ? spec.metrics : [],
        currentReplicas,
      );
      metricStatuses = proposal.statuses;
      cond(proposal.condition.type, proposal.condition.status, proposal.condition.reason, proposal.condition.message);
      if (proposal.replicas === -1) {
        // setCurrentReplicasAndMetricsInStatus: the count seen and what could be measured, nothing scaled.
        status.currentReplicas = currentReplicas;
        status.currentMetrics = metricStatuses;
        event(hpa, 'Warning', 'FailedComputeMetricsReplicas', proposal.error?.message ?? 'no metric');
        throw proposal.error ?? new Error('no metric');
      }
      desiredReplicas = proposal.replicas;
      if (desiredReplicas > currentReplicas) rescaleReason = `${proposal.metricName} above target`;
      if (desiredReplicas < currentReplicas) rescaleReason = 'All metrics below target';
      const behavior = spec.behavior as Behavior | undefined;
      const normalized = behavior
        ? history.normalizeWithBehavior(key, behavior, currentReplicas, desiredReplicas, minReplicas, maxReplicas)
        : history.normalize(key, currentReplicas, desiredReplicas, minReplicas, maxReplicas);
      cond('AbleToScale', 'True', normalized.ableToScale.reason, normalized.ableToScale.message);
      cond('ScalingLimited', normalized.scalingLimited.status, normalized.scalingLimited.reason, normalized.scalingLimited.message);
      desiredReplicas = normalized.replicas;
      rescale = desiredReplicas !== currentReplicas;
    }
    if (rescale) {
      try {
        await client.update(
          gvr,
          hpa.metadata.namespace,
          { ...scale, spec: { ...scale.spec, replicas: desiredReplicas } } as unknown as KObject,
          {
            subresource: 'scale',
            fieldManager: FIELD_MANAGER,
          },
        );
      } catch (e) {
        const err = (e as Error).message;
        cond('AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${err}`);
        event(hpa, 'Warning', 'FailedRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}; error: ${err}`);
        status.currentReplicas = currentReplicas;
        status.currentMetrics = metricStatuses;
        throw e;
      }
      cond('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desiredReplicas}`);
      event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}`);
      history.storeScaleEvent(spec.behavior, key, currentReplicas, desiredReplicas);
      ctx.log.info({ hpa: key, currentReplicas, desiredReplicas, reason: rescaleReason }, 'successful rescale');
      status.lastScaleTime = nowText;
    } else {
      desiredReplicas = currentReplicas;
    }
    // setStatus.
    status.currentReplicas = currentReplicas;
    status.desiredReplicas = desiredReplicas;
    status.currentMetrics = metricStatuses;
  };

  const reconcile = async (key: string): Promise<void> => {
    const [namespace, name] = splitKey(key);
    const hpa = hpas.get(namespace, name);
    if (!hpa) {
      history.forget(key);
      clearTimeout(timers.get(key));
      timers.delete(key);
      return;
    }
    if (hpa.metadata.deletionTimestamp) return;
    const old: J = (hpa.status as J | undefined) ?? {};
    const status: J = structuredClone(old);
    status.conditions = status.conditions ?? [];
    // Every autoscaler syncs once a period, failed or not (NewDefaultHPARateLimiter: a fixed interval).
    resyncLater(key);
    try {
      await reconcileAutoscaler(hpa, key, status);
    } catch (e) {
      ctx.log.debug({ controller: 'horizontal-pod-autoscaler', key, err: (e as Error).message }, 'sync failed');
    }
    // updateStatusIfNeeded, whether the sync succeeded or not (conditions tell why not).
    for (const f of ['currentMetrics', 'conditions']) if (Array.isArray(status[f]) && !status[f].length) delete status[f];
    if (!status.currentReplicas) delete status.currentReplicas;
    await writeStatus(hpa, status, old);
  };

  /** One pending resync per key: an autoscaler changed meanwhile syncs at once and then keeps one period. */
  const timers = new Map<string, NodeJS.Timeout>();
  const resyncLater = (key: string) => {
    clearTimeout(timers.get(key));
    const t = setTimeout(() => {
      timers.delete(key);
      c.enqueue(key);
    }, syncPeriodMs);
    t.unref?.();
    timers.set(key, t);
  };

  const c = new Controller('horizontal-pod-autoscaler', reconcile, ctx.log, 2);
  c.source(hpas, (_t, old, hpa) => (old && deepEqual(old.spec, hpa.spec) ? [] : [objectKey(hpa)]), PREDICATE.resourceVersionChanged);
  // Read through their cache only (the pod lister); the resync reads them every period.
  c.source(pods, () => []);
  await c.start();
  // Deleted autoscalers: their key reconciles once more and forgets its history.
  hpas.addEventHandler((type, _old, hpa) => {
    if (type === 'DELETED') c.enqueue(objectKey(hpa));
  });
  const stop = () => {
    c.stop();
    timers.forEach(clearTimeout);
  };
  return { controller: c, recorder, stop };
}
