// Images for containers, as kubelet's image manager: the pull policy decides between the local image and a
// pull through the engine. Pulls run in the background (the reconcile worker never waits on a registry);
// when one ends the pod is enqueued again. Failures: ErrImagePull once, then ImagePullBackOff with back-off.
// Credentials come from the pod's imagePullSecrets (pull-credentials.ts); each matching one is tried in turn.
import type { KObject } from '../../machinery/api/meta.js';
import type { ContainerRuntime } from '../../runtime/container-runtime.js';
import type { Container } from '../../translate/k8s-types.js';
import type { DockerImageInspect } from '../../translate/status.js';
import { Backoff } from './backoff.js';
import { credentialsFor } from './pull-credentials.js';

export interface ImageResult {
  image?: DockerImageInspect;
  waiting?: { reason: string; message?: string };
  requeueMs?: number;
}

/** Emits kubelet events about the container: (type, reason, message). */
export type ContainerEvents = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

type PullState = { state: 'pulling' } | { state: 'done' } | { state: 'failed'; message: string; retryAt: number; failedAt: number };

/** The API defaults imagePullPolicy; this is the same rule for objects that skipped defaulting. */
export function pullPolicyOf(c: Container): string {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const ref = c.image ?? '';
  const tagged = ref.includes('@') || /:[^/]+$/.test(ref);
  return !tagged || ref.endsWith(':latest') ? 'Always' : 'IfNotPresent';
}

/** How long ErrImagePull stays before the pod reports ImagePullBackOff. */
const ERR_IMAGE_PULL_SHOWN_MS = 2000;

/** Go's Duration String() of a duration truncated to milliseconds, as kubelet prints pull times ("523ms", "1.234s", "1m2.5s"). */
export function goMillis(ms: number): string {
  const t = Math.max(0, Math.trunc(ms));
  if (t === 0) return '0s';
  if (t < 1000) return `${t}ms`;
  const frac = (x: number) =>
    x % 1000
      ? `.${String(x % 1000)
          .padStart(3, '0')
          .replace(/0+$/, '')}`
      : '';
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t % 3_600_000) / 60_000);
  const sMs = t % 60_000;
  const sec = `${Math.floor(sMs / 1000)}${frac(sMs)}s`;
  if (h) return `${h}h${m}m${sec}`;
  if (m) return `${m}m${sec}`;
  return sec;
}

/** Loads the pod's pull secrets (only when a pull happens, as kubelet looks them up lazily). */
export type PullSecrets = () => Promise<KObject[]>;

export class ImagePuller {
  private pulls = new Map<string, PullState>();
  private backoff = new Backoff();

  constructor(
    private runtime: Pick<ContainerRuntime, 'imageStatus' | 'pullImage'>,
    private wake: (podKey: string) => void,
  ) {}

  /** key: pod uid + container name; podKey: what to enqueue when a pull ends. */
  async ensure(key: string, podKey: string, c: Container, events: ContainerEvents, pullSecrets?: PullSecrets): Promise<ImageResult> {
    const ref = c.image ?? '';
    const policy = pullPolicyOf(c);
    if (policy !== 'Always') {
      const local = await this.runtime.imageStatus(ref);
      if (local) {
        events('Normal', 'Pulled', `Container image "${ref}" already present on machine`);
        return { image: local };
      }
      if (policy === 'Never') {
        const message = `Container image "${ref}" is not present with pull policy of Never`;
        events('Warning', 'ErrImageNeverPull', message);
        return { waiting: { reason: 'ErrImageNeverPull', message }, requeueMs: 10_000 };
      }
    }
    const p = this.pulls.get(key);
    if (p?.state === 'pulling') return { waiting: { reason: 'ContainerCreating' } };
    if (p?.state === 'done') {
      this.pulls.delete(key);
      const img = await this.runtime.imageStatus(ref);
      if (img) return { image: img };
    }
    if (p?.state === 'failed') {
      const now = Date.now();
      // Right after a failure the reason is ErrImagePull; the syncs after it (kubelet's next sync) say ImagePullBackOff.
      if (now < p.failedAt + ERR_IMAGE_PULL_SHOWN_MS) {
        return { waiting: { reason: 'ErrImagePull', message: p.message }, requeueMs: p.failedAt + ERR_IMAGE_PULL_SHOWN_MS - now };
      }
      if (now < p.retryAt) {
        const message = `Back-off pulling image "${ref}"`;
        events('Normal', 'BackOff', message);
        events('Warning', 'Failed', 'Error: ImagePullBackOff');
        // Since 1.32 the waiting message carries the last pull error (kubelet's prevPullErrMsg).
        return { waiting: { reason: 'ImagePullBackOff', message: `${message}: ErrImagePull: ${p.message}` }, requeueMs: p.retryAt - now };
      }
    }
    this.startPull(key, podKey, ref, events, pullSecrets);
    return { waiting: { reason: 'ContainerCreating' } };
  }

  private startPull(key: string, podKey: string, ref: string, events: ContainerEvents, pullSecrets?: PullSecrets): void {
    events('Normal', 'Pulling', `Pulling image "${ref}"`);
    this.pulls.set(key, { state: 'pulling' });
    const t0 = Date.now();
    this.pullWithCredentials(ref, pullSecrets)
      .then(
        async () => {
          this.backoff.reset(key);
          this.pulls.set(key, { state: 'done' });
          // No pull queue here: the pull time and the time including waiting are the same.
          const took = goMillis(Date.now() - t0);
          const size = (await this.runtime.imageStatus(ref).catch(() => undefined))?.Size ?? 0;
          events(
            'Normal',
            'Pulled',
            `Successfully pulled image "${ref}" in ${took} (${took} including waiting). Image size: ${size} bytes.`,
          );
        },
        (e: Error) => {
          this.backoff.next(key);
          this.pulls.set(key, {
            state: 'failed',
            message: e.message,
            retryAt: Date.now() + this.backoff.delayMs(key),
            failedAt: Date.now(),
          });
          events('Warning', 'Failed', `Failed to pull image "${ref}": ${e.message}`);
          events('Warning', 'Failed', 'Error: ErrImagePull');
        },
      )
      .finally(() => this.wake(podKey));
  }

  /** kubelet's puller: without matching credentials one anonymous pull, else each match until one works. */
  private async pullWithCredentials(ref: string, pullSecrets?: PullSecrets): Promise<void> {
    const creds = credentialsFor(ref, pullSecrets ? await pullSecrets() : []);
    if (!creds.length) return this.runtime.pullImage(ref);
    const errors: Error[] = [];
    for (const auth of creds) {
      try {
        return await this.runtime.pullImage(ref, auth);
      } catch (e) {
        errors.push(e as Error);
      }
    }
    // utilerrors.NewAggregate: one error prints as itself, several as a bracketed list.
    throw errors.length === 1 ? errors[0]! : new Error(`[${errors.map((e) => e.message).join(', ')}]`);
  }

  /** Drops the state of a pod's containers (prefix: its uid). */
  forget(prefix: string): void {
    for (const k of [...this.pulls.keys()]) if (k.startsWith(prefix)) this.pulls.delete(k);
    this.backoff.forget(prefix);
  }
}
