// The cluster DNS's view of the API (CoreDNS's dnsController): informers on services, EndpointSlices and namespaces
// through a Client — in process today, over HTTPS from a node agent later — and the answer data rebuilt from their
// caches on the first query after a change.
import { Informer } from '../client/informer.js';
import type { Client, Gvr } from '../client/types.js';
import { clusterDnsData, type ClusterDnsData } from './cluster-data.js';

export const DNS_GVR = {
  services: { group: '', version: 'v1', resource: 'services' },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' },
  namespaces: { group: '', version: 'v1', resource: 'namespaces' },
} as const satisfies Record<string, Gvr>;

export class ClusterDnsSource {
  private services: Informer;
  private slices: Informer;
  private namespaces: Informer;
  private current?: ClusterDnsData;
  private serial = Math.floor(Date.now() / 1000);

  constructor(
    client: Client,
    private domain: string,
    onError: (e: Error) => void = () => undefined,
  ) {
    this.services = new Informer(client, DNS_GVR.services, { onError });
    this.slices = new Informer(client, DNS_GVR.endpointslices, { onError });
    this.namespaces = new Informer(client, DNS_GVR.namespaces, { onError });
    for (const i of [this.services, this.slices, this.namespaces])
      i.addEventHandler(() => {
        this.current = undefined;
        // The SOA serial moves with every change (CoreDNS: the time of the last modification), never backwards.
        this.serial = Math.max(this.serial + 1, Math.floor(Date.now() / 1000));
      });
  }

  /** Starts the informers; resolves once all three have listed. */
  async start(): Promise<void> {
    for (const i of [this.services, this.slices, this.namespaces]) i.start();
    await Promise.all([this.services.waitForSync(), this.slices.waitForSync(), this.namespaces.waitForSync()]);
  }

  data(): ClusterDnsData {
    this.current ??= clusterDnsData({
      domain: this.domain,
      services: this.services.list(),
      endpointSlices: this.slices.list(),
      namespaces: this.namespaces.list(),
      serial: this.serial >>> 0,
    });
    return this.current;
  }

  stop(): void {
    for (const i of [this.services, this.slices, this.namespaces]) i.stop();
  }
}
