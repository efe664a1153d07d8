// The webhook configurations the dispatchers read, as upstream's configuration managers keep them: informers on
// both kinds (the watch cache behind the client), the webhooks rebuilt only after a change, configurations in name
// order and each one's webhooks in their own order.
import { compareStrings } from '../../machinery/compare.js';
import { Informer } from '../../client/informer.js';
import type { Client } from '../../client/types.js';
import { webhooksOf, type Webhook } from './config.js';

const GROUP = 'admissionregistration.k8s.io';

class ConfigurationSet {
  readonly informer: Informer;
  private cached?: Webhook[];

  constructor(
    client: Client,
    resource: string,
    private readonly mutating: boolean,
  ) {
    this.informer = new Informer(client, { group: GROUP, version: 'v1', resource });
    this.informer.addEventHandler(() => (this.cached = undefined));
  }

  webhooks(): Webhook[] {
    if (!this.cached) {
      const configs = this.informer.list().sort((a, b) => compareStrings(a.metadata.name ?? '', b.metadata.name ?? ''));
      this.cached = configs.flatMap((c) => webhooksOf(c, this.mutating));
    }
    return this.cached;
  }
}

/** What the dispatchers read: the webhooks in call order. */
export interface WebhookSource {
  mutating(): Webhook[];
  validating(): Webhook[];
}

export class WebhookConfigurationSource implements WebhookSource {
  private readonly mutatingSet: ConfigurationSet;
  private readonly validatingSet: ConfigurationSet;

  constructor(client: Client) {
    this.mutatingSet = new ConfigurationSet(client, 'mutatingwebhookconfigurations', true);
    this.validatingSet = new ConfigurationSet(client, 'validatingwebhookconfigurations', false);
  }

  async start(): Promise<void> {
    this.mutatingSet.informer.start();
    this.validatingSet.informer.start();
    await Promise.all([this.mutatingSet.informer.waitForSync(), this.validatingSet.informer.waitForSync()]);
  }

  stop(): void {
    this.mutatingSet.informer.stop();
    this.validatingSet.informer.stop();
  }

  mutating(): Webhook[] {
    return this.mutatingSet.webhooks();
  }

  validating(): Webhook[] {
    return this.validatingSet.webhooks();
  }
}
