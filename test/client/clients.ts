// Both clients against one harness, and a wrapper that makes their watches fail on demand, so informer tests run
// the same scenarios over each.
import { InProcessClient } from '../../src/client/in-process.js';
import { HttpClient } from '../../src/client/http-client.js';
import type { Client, ClientWatch, ClientWatchOptions, Gvr, WatchHandlers } from '../../src/client/types.js';
import type { UserInfo } from '../../src/machinery/api/user.js';
import { forbiddenError } from '../../src/authorization/authorizer.js';
import { staticPolicyAuthorizer } from '../support/static-policy.js';

const { authorize } = staticPolicyAuthorizer(() => []);
import type { ResourceAttributes } from '../../src/client/types.js';
import { StatusError } from '../../src/machinery/api/errors.js';
import type { Harness } from '../api/harness.js';

/** The authorization step the HTTP layer applies, injected as the server does. */
export const authorizeOrForbid = (user: UserInfo, attrs: ResourceAttributes): void => {
  if (!authorize(user, attrs).allowed) throw forbiddenError(user, attrs);
};

export function inProcessClient(h: Harness, user: UserInfo): InProcessClient {
  return new InProcessClient({ service: h.service, user, authorize: authorizeOrForbid });
}

/** The harness serves plain HTTP with fixed bearer tokens (admin, viewer, ...). */
export function httpClient(h: Harness, token: string): HttpClient {
  return new HttpClient({ server: `http://127.0.0.1:${h.port}`, token });
}

/**
 * Delegates to a client; `drop()` ends the open watches as a lost connection would, `expireNext()` makes the next
 * watch fail with 410 Expired (as a resourceVersion that left the window does), `hold()` keeps new watches from
 * starting until `release()`, so changes can be made while the informer is disconnected.
 */
export class FaultyClient {
  private open = new Set<{ w: ClientWatch; h: WatchHandlers }>();
  private expire = 0;
  private gate?: Promise<void>;
  private openGate?: () => void;
  watchesStarted = 0;
  readonly client: Client;

  constructor(inner: Client) {
    const watch = (gvr: Gvr, ns: string | undefined, o: ClientWatchOptions, h: WatchHandlers) => this.watch(inner, gvr, ns, o, h);
    this.client = new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'watch') return watch;
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  }

  private async watch(inner: Client, gvr: Gvr, ns: string | undefined, o: ClientWatchOptions, h: WatchHandlers): Promise<ClientWatch> {
    if (this.gate) await this.gate;
    if (this.expire > 0) {
      this.expire--;
      throw new StatusError(410, 'Expired', `too old resource version: ${o.resourceVersion}`);
    }
    this.watchesStarted++;
    const entry = { w: undefined as unknown as ClientWatch, h };
    entry.w = await inner.watch(gvr, ns, o, {
      onEvent: (e) => h.onEvent(e),
      onClose: (err) => {
        this.open.delete(entry);
        h.onClose(err);
      },
    });
    this.open.add(entry);
    return {
      stop: () => {
        this.open.delete(entry);
        entry.w.stop();
      },
    };
  }

  drop(): void {
    for (const e of [...this.open]) {
      this.open.delete(e);
      e.w.stop();
      e.h.onClose(new Error('connection reset'));
    }
  }

  expireNext(n = 1): void {
    this.expire += n;
  }

  hold(): void {
    this.gate = new Promise((r) => {
      this.openGate = r;
    });
  }

  release(): void {
    const r = this.openGate;
    this.gate = undefined;
    this.openGate = undefined;
    r?.();
  }
}
