// The APIServices served by extension API servers (spec.service set), by group/version, kept from an informer: what
// the proxy routes, discovery merges and the availability controller checks.
import type { KObject } from '../../machinery/api/meta.js';
import type { Client } from '../../client/types.js';
import { Informer } from '../../client/informer.js';

export interface APIServiceSpec {
  group?: string;
  version?: string;
  service?: { namespace: string; name: string; port?: number };
  caBundle?: string;
  insecureSkipTLSVerify?: boolean;
  groupPriorityMinimum?: number;
  versionPriority?: number;
}

export type APIService = KObject & {
  spec: APIServiceSpec;
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }[] };
};

export const APISERVICES = { group: 'apiregistration.k8s.io', version: 'v1', resource: 'apiservices' };

export const isRemote = (a: KObject): a is APIService => !!(a as APIService).spec?.service;
export const isAvailable = (a: APIService) => a.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True') ?? false;

export class RemoteAPIs {
  readonly informer: Informer;
  private listeners: (() => void)[] = [];

  constructor(client: Client) {
    this.informer = new Informer(client, APISERVICES);
    this.informer.addEventHandler((_type, old, obj) => {
      if (isRemote(obj) || (old && isRemote(old))) for (const l of this.listeners) l();
    });
  }

  start(): void {
    this.informer.start();
  }

  stop(): void {
    this.informer.stop();
  }

  /** The remote APIService serving group/version, if one does. */
  find(group: string, version: string): APIService | undefined {
    const a = this.informer.get(undefined, `${version}.${group}`);
    return a && isRemote(a) ? a : undefined;
  }

  list(): APIService[] {
    return this.informer.list().filter(isRemote);
  }

  /** Told whenever a remote APIService is added, changed or removed. */
  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }
}
