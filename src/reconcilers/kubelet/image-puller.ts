// Images for containers, as kubelet's image manager: the pull policy decides between the local image and a
// pull through the engine. Pulls run in the background (the reconcile worker never waits on a registry);
// when one ends the pod is enqueued again. Failures: ErrImagePull once, then ImagePullBackOff with back-off.
import type Docker from 'dockerode';
import { localImage, pullImage } from '../../runtime/images.js';
import type { Container } from '../../translate/k8s-types.js';
import type { DockerImageInspect } from '../../translate/status.js';
import { Backoff } from './backoff.js';

export interface ImageResult { image?: DockerImageInspect; waiting?: { reason: string; message?: string }; requeueMs?: number }

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

const seconds = (ms: number) => `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;

export class ImagePuller {
  private pulls = new Map<string, PullState>();
  private backoff = new Backoff();

  constructor(private docker: Docker, private wake: (podKey: string) => void) {}

  /** key: pod uid + container name; podKey: what to enqueue when a pull ends. */
  async ensure(key: string, podKey: string, c: Container, events: ContainerEvents): Promise<ImageResult> {
    const ref = c.image ?? '';
    const policy = pullPolicyOf(c);
    if (policy !== 'Always') {
      const local = await localImage(this.docker, ref);
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
      const img = await localImage(this.docker, ref);
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
        return { waiting: { reason: 'ImagePullBackOff', message }, requeueMs: p.retryAt - now };
      }
    }
    this.startPull(key, podKey, ref, events);
    return { waiting: { reason: 'ContainerCreating' } };
  }

  private startPull(key: string, podKey: string, ref: string, events: ContainerEvents): void {
    events('Normal', 'Pulling', `Pulling image "${ref}"`);
    this.pulls.set(key, { state: 'pulling' });
    const t0 = Date.now();
    pullImage(this.docker, ref).then(() => {
      this.backoff.reset(key);
      this.pulls.set(key, { state: 'done' });
      const took = seconds(Date.now() - t0);
      events('Normal', 'Pulled', `Successfully pulled image "${ref}" in ${took} (${took} including waiting)`);
    }, (e: Error) => {
      this.backoff.next(key);
      this.pulls.set(key, { state: 'failed', message: e.message, retryAt: Date.now() + this.backoff.delayMs(key), failedAt: Date.now() });
      events('Warning', 'Failed', `Failed to pull image "${ref}": ${e.message}`);
      events('Warning', 'Failed', 'Error: ErrImagePull');
    }).finally(() => this.wake(podKey));
  }

  /** Drops the state of a pod's containers (prefix: its uid). */
  forget(prefix: string): void {
    for (const k of [...this.pulls.keys()]) if (k.startsWith(prefix)) this.pulls.delete(k);
    this.backoff.forget(prefix);
  }
}
