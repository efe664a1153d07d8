// The aggregation layer's wiring (kube-aggregator inside kube-apiserver): remote APIServices from an informer, the
// proxy and the merged discovery for the app, the availability controller, the front-proxy credentials (created on
// first use, off the start-up path; then handed to the server's own request-header authenticator) and the
// extension-apiserver-authentication ConfigMap, all as the API server's loopback identity.
import { readFile } from 'node:fs/promises';
import type { ResourceService } from '../registry/service.js';
import type { Logger } from '../log.js';
import type { Controller } from '../reconcilers/controller.js';
import { makeContext } from '../reconcilers/context.js';
import { ensureFrontProxyCredentials, type FrontProxyCredentials } from '../pki/front-proxy.js';
import { endpointsServiceResolver } from '../webhook/service-resolver.js';
import { RemoteAPIs } from '../api/aggregator/remote-apis.js';
import { RemoteDiscovery } from '../api/aggregator/remote-discovery.js';
import { aggregatorProxy } from '../api/aggregator/proxy.js';
import { availableConditionController } from '../api/aggregator/available-controller.js';
import { authenticationData, publishAuthenticationConfigMap } from '../api/aggregator/authentication-configmap.js';
import { APISERVER_USER } from './rbac-bootstrap.js';
import type { RequestHeaderNames } from '../api/request-header-auth.js';

export interface AggregationOptions {
  dataDir: string;
  clusterCaCert: string;
  log: Logger;
  /** Files given on the command line instead of the generated front-proxy credentials. */
  frontProxy?: { clientCertFile: string; clientKeyFile: string; clientCaFile: string };
  allowedNames?: string[];
  /** The front proxy's header names, as published. */
  headers?: RequestHeaderNames;
  /** Told the front-proxy CA once it is read or created, so the server takes request headers from its proxies. */
  onFrontProxyCa?: (caPem: string) => void;
}

async function readFrontProxy(files: NonNullable<AggregationOptions['frontProxy']>): Promise<FrontProxyCredentials> {
  const [clientCert, clientKey, caCert] = await Promise.all(
    [files.clientCertFile, files.clientKeyFile, files.clientCaFile].map((f) => readFile(f, 'utf8')),
  );
  return { clientCert: clientCert!, clientKey: clientKey!, caCert: caCert! };
}

export function aggregationLayer(service: ResourceService, opts: AggregationOptions) {
  const client = makeContext(service, opts.log).client(APISERVER_USER);
  const apis = new RemoteAPIs(client);
  const resolver = endpointsServiceResolver(client);
  let creds: Promise<FrontProxyCredentials> | undefined;
  const credentials = () => (creds ??= opts.frontProxy ? readFrontProxy(opts.frontProxy) : ensureFrontProxyCredentials(opts.dataDir));
  const discovery = new RemoteDiscovery(apis, resolver, credentials);
  const controller = availableConditionController({ client, apis, resolver, credentials, log: opts.log });
  return {
    app: { proxy: aggregatorProxy({ apis, resolver, credentials, authorizer: service.authorizer }), discovery },
    /** Started with the controllers, after /readyz: the APIService informer, the availability checks, discovery. */
    async start(): Promise<Controller[]> {
      await controller.start();
      discovery.start();
      const frontProxy = await credentials();
      opts.onFrontProxyCa?.(frontProxy.caCert);
      const data = authenticationData(opts.clusterCaCert, frontProxy.caCert, opts.allowedNames, opts.headers);
      await publishAuthenticationConfigMap(client, data).catch((e: Error) =>
        opts.log.warn({ err: e.message }, 'extension-apiserver-authentication not written'),
      );
      return [controller];
    },
    stop(): void {
      discovery.stop();
      controller.stop();
    },
  };
}
