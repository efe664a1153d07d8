// Starts dockube: PKI, store, API, reconcilers; writes the kubeconfig once /readyz answers; stops cleanly.
import https from 'node:https';
import type { Socket } from 'node:net';
import { dataDirLayout } from '../data-dir.js';
import { DEFAULT_SERVICE_NETWORK, type ServerOptions } from './options.js';
import { ensurePki } from '../pki/certs.js';
import { defaultSanHosts } from '../pki/hosts.js';
import { writeKubeconfig, serverUrlFor } from '../pki/kubeconfig.js';
import { createAuthenticator } from '../api/auth.js';
import { REQUEST_HEADER_DEFAULTS, requestHeaderAuthenticator, type RequestHeaderAuthenticator } from '../api/request-header-auth.js';
import { FRONT_PROXY_CLIENT_NAME } from '../pki/front-proxy.js';
import { createApp } from '../api/app.js';
import { SqliteStore } from '../storage/sqlite-store.js';
import { AesGcmTransformer, ENCRYPTED_PREFIXES, loadOrCreateEncryptionKey } from '../storage/encryption.js';
import { Registry } from '../registry/registry.js';
import { RESOURCES } from '../registry/resources/index.js';
import { ResourceService } from '../registry/service.js';
import { defaultSchemaLookup } from '../machinery/apply/default-schema.js';
import { bootstrap } from './bootstrap.js';
import { keepKubernetesService } from './kubernetes-service.js';
import { createLogger, type Logger } from '../log.js';
import { makeContext } from '../reconcilers/context.js';
import { startNamespaceLifecycle } from '../reconcilers/namespace-lifecycle.js';
import { startNamespaceDefaults } from '../reconcilers/namespace-defaults.js';
import { startGarbageCollector } from '../reconcilers/garbage-collector.js';
import { nodeName, startNodeStatus } from '../reconcilers/node-status.js';
import { detectNodeIP } from '../reconcilers/node-addresses.js';
import { startScheduler } from '../reconcilers/scheduler/scheduler.js';
import { startEventTtl } from '../reconcilers/event-ttl.js';
import { parseDockerHost } from '../runtime/docker.js';
import { pingEngine } from '../runtime/engine-probe.js';
import { startPvcBinder } from '../reconcilers/pvc-binder.js';
import { startIPAddressAllocatorState } from '../reconcilers/ipaddress-allocator-state.js';
import { startReplicaSetControllers } from '../reconcilers/replicaset/replicaset-controller.js';
import { startDeploymentController } from '../reconcilers/deployment/deployment-controller.js';
import { startDisruptionController } from '../reconcilers/disruption/disruption-controller.js';
import { startBatchControllers } from '../reconcilers/job/start.js';
import { startStatefulControllers } from './stateful-controllers.js';
import { startHpaController } from '../reconcilers/hpa/hpa-controller.js';
import { startPodGC } from '../reconcilers/podgc/podgc-controller.js';
import { startEndpointControllers } from '../reconcilers/endpoints/start.js';
import { startServiceLBController } from '../reconcilers/servicelb/servicelb-controller.js';
import { startClusterRoleAggregation } from '../reconcilers/clusterrole-aggregation/controller.js';
import { APISERVER_USER, bootstrapRbac } from './rbac-bootstrap.js';
import { ensureSystemPriorityClasses } from './priority-classes.js';
import { startResourceQuotaController } from '../reconcilers/resourcequota/resourcequota-controller.js';
import { startValidatingAdmissionPolicyStatusController } from '../reconcilers/validatingadmissionpolicystatus/controller.js';
import { registryTypeCheckHost } from '../admission/policy/typecheck-host.js';
import { storageObjects } from '../api/metrics.js';
import type { UpgradeHandler } from '../api/streams/upgrade.js';
import { answerClientErrors } from '../api/client-errors.js';
import { dockerClient } from '../node/docker-client.js';
import { DockerNode } from '../node/docker-node.js';
import { nodeLookup } from '../node/types.js';
import { withNodeMetrics } from '../registry/resources/metrics.js';
import { withServiceAllocation } from '../registry/resources/service-allocation.js';
import { kubernetesServiceIP } from '../registry/resources/service-cidr.js';
import { POD_NETWORK } from '../runtime/pod-network.js';
import { loadOrCreateSigningKey } from '../serviceaccount/signing-key.js';
import { configureServiceAccounts } from '../serviceaccount/runtime.js';
import { listenOnceAddressExists, needsExtraListener } from './in-cluster-listener.js';
import { KUBE_PROXY } from '../client/identities.js';
import { instanceFor } from '../runtime/instance.js';
import { idleTrimEnabled, startIdleTrim } from './idle-trim.js';
import { startInTurns } from './start-in-turns.js';
import { serveCustomResources } from '../apiextensions/serving.js';
import { aggregationLayer } from './aggregation.js';
import { conversionWebhookCall } from '../apiextensions/conversion/webhook-call.js';
import { WebhookCaller } from '../webhook/https-caller.js';
import { endpointsServiceResolver } from '../webhook/service-resolver.js';
import { startCrdControllers } from '../apiextensions/controller.js';
import { serviceAccountAuthenticator, startIdentityControllers, staticTokenUsers } from './identity-controllers.js';
import { createRbacCache } from './rbac-source.js';
import { createRbacAuthorizer } from '../authorization/rbac/authorizer.js';
import { authorizationChain } from '../authorization/union.js';
import { NodeGraph, createNodeAuthorizer, startNodeGraph } from '../authorization/node/index.js';
import { createTokenReviewer } from '../api/token-review.js';
import { logDenials } from '../api/denial-audit.js';
import { auditUpgrades } from '../api/audit/upgrade-audit.js';
import { serverHealth } from './health-checks.js';
import { observability } from './observability.js';
import { servicePolicyHost } from '../admission/policy/host.js';
import { lazyValidatingAdmissionPolicy } from '../admission/policy/lazy-plugin.js';
import { startAdmissionWebhooks } from '../admission/webhook/plugins.js';

/** Names and addresses pods use for the API server: the gateway they reach us on, the service's DNS names and ClusterIP. */
const inClusterHosts = (gateway: string) => [
  gateway,
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
  '10.96.0.1',
];

/** CPU time (all threads) the process has used: on a loaded machine a steadier figure of start-up's cost than time. */
const cpuMsSoFar = () => {
  const { user, system } = process.cpuUsage();
  return Math.round((user + system) / 1000);
};

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  log: Logger;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const t0 = Date.now();
  // Since the process started (module loading and the start-up checks before this function): the rest of a restart.
  const beforeMs = Math.round(performance.now());
  // Milliseconds since t0 at each step of the start-up, logged with the ready line: where a slow start went.
  const phases: Record<string, number> = {};
  const reached = (phase: string) => (phases[phase] = Date.now() - t0);
  const log = await createLogger(opts.logLevel);
  // The request log and the audit log (--request-log-level, --audit-log-path, --audit-policy-file): a bad policy
  // file stops the start-up before anything is written.
  const observed = observability(opts, log);
  // Pods reach us at the `kubernetes` Service's ClusterIP too (the first address of --service-cidr).
  // The cluster's own pod network and node (src/cli/cluster-identity.ts); the shared network and host name without.
  const podNetwork = opts.podNetwork ?? POD_NETWORK;
  const node = opts.nodeName ?? nodeName();
  const kubernetesIP = kubernetesServiceIP((opts.services ?? DEFAULT_SERVICE_NETWORK).cidr);
  const pki = await ensurePki(opts.dataDir, {
    hosts: [...defaultSanHosts(opts.bindAddress), ...inClusterHosts(podNetwork.gateway), kubernetesIP],
  });
  reached('pki');
  const encryption = new AesGcmTransformer(await loadOrCreateEncryptionKey(opts.dataDir));
  const store = new SqliteStore(
    dataDirLayout(opts.dataDir).stateDb,
    ENCRYPTED_PREFIXES.map((prefix) => ({ prefix, transformer: encryption })),
  );
  // The one local node: its streams and stats through the node's single Docker client (a node agent's, later).
  const engineEndpoint = parseDockerHost(opts.dockerHost);
  const engine = dockerClient(engineEndpoint);
  const nodes = nodeLookup(new DockerNode(node, engine));
  // Services allocate from --service-cidr and --service-node-port-range.
  const serviceNetwork = opts.services ?? DEFAULT_SERVICE_NETWORK;
  const registry = new Registry(withServiceAllocation(withNodeMetrics(RESOURCES, nodes), serviceNetwork));
  // Reads are served by the watch cache above the store; --watch-cache-bytes bounds its event window.
  // Authorization as kube-apiserver chains it: system:masters, then the others, then RBAC (roles and bindings from the
  // watch cache). INTERIM: the fixed policy stays in the chain until the bootstrap policy replaces it.
  const rbacCache = createRbacCache();
  // The Node authorizer's graph of pods and what they reference, fed from the watch cache like RBAC's roles.
  const nodeGraph = new NodeGraph();
  // RBAC decides for everyone but system:masters and the Node authorizer's kubelets: the bootstrap policy
  // (src/authorization/bootstrap, reconciled below) bounds each component by its role.
  const authorizer = authorizationChain({
    others: [createNodeAuthorizer(nodeGraph)],
    rbac: createRbacAuthorizer(rbacCache.source),
  });
  const service = new ResourceService(store, registry, { watchCache: { maxBytes: opts.watchCacheBytes }, authorizer });
  const rbacSynced = rbacCache.start(service.cache);
  // ValidatingAdmissionPolicy (src/admission/policy): evaluated once a policy exists; CEL loads with the first one.
  const admissionPolicies = servicePolicyHost(service, authorizer);
  service.admission.addValidating(lazyValidatingAdmissionPolicy(admissionPolicies));
  admissionPolicies.start().catch((e: unknown) => log.error({ err: (e as Error).message }, 'admission policy watch failed'));
  // MutatingAdmissionWebhook and ValidatingAdmissionWebhook (src/admission/webhook), on the chain once their
  // configurations are listed; /readyz waits for that.
  const admissionWebhooks = startAdmissionWebhooks({
    client: makeContext(service, log).client(APISERVER_USER),
    registry,
    chain: service.admission,
    authorizer,
    onFailOpen: (webhook, err) => log.warn({ webhook, err }, 'Failed calling webhook, failing open'),
  });
  // Established CustomResourceDefinitions become served kinds (the apiextensions-apiserver's crdHandler).
  // Conversion webhooks are called through the shared webhook client (src/webhook/), Services resolved to endpoints.
  const conversionCaller = new WebhookCaller(endpointsServiceResolver(makeContext(service, log).client(APISERVER_USER)));
  const customResources = serveCustomResources(service, log, conversionWebhookCall(conversionCaller));
  const nodeGraphSource = startNodeGraph(service.cache, nodeGraph);
  reached('store');
  let ready = false;
  let shuttingDown = false;
  let informersSynced = false;
  // /healthz, /livez and /readyz as kube-apiserver's (health-checks.ts); post-start hooks are marked as steps finish.
  const health = serverHealth({
    storeProbe: () => store.get('/registry/health'),
    // The engine's /_ping over plain HTTP, as the start-up checks ask it: through dockerode, the first /readyz loaded
    // dockerode (tens of ms, hundreds on a loaded machine) before it could answer.
    dockerPing: async () => {
      const pinged = await pingEngine(engineEndpoint);
      if (!pinged.ok) throw new Error(pinged.detail || pinged.code);
    },
    informersSynced: () => informersSynced,
    shuttingDown: () => shuttingDown,
  });
  let port = opts.port;
  const advertised = opts.bindAddress === '0.0.0.0' || opts.bindAddress === '::' ? '127.0.0.1' : opts.bindAddress;

  // The ServiceAccount admission plugin, token issuer and authenticator (src/serviceaccount).
  const signingKey = await loadOrCreateSigningKey(opts.dataDir);
  const serviceAccounts = configureServiceAccounts(service, signingKey);
  const saTokens = serviceAccountAuthenticator(serviceAccounts, signingKey);
  // The CAs client certificates may chain to, and the listeners to update when the front-proxy CA joins them.
  let tlsCa: string[] = [pki.caCert];
  const listeners: https.Server[] = [];
  // Front-proxy authentication (request headers) starts once the aggregation layer has its front-proxy CA.
  let requestHeader: RequestHeaderAuthenticator | undefined;
  const authenticate = createAuthenticator(pki, {
    serviceAccountTokens: saTokens.authenticate,
    staticTokens: await staticTokenUsers(opts.tokenAuthFile, log),
    requestHeader: () => requestHeader,
  });
  // TokenReview asks the same authenticators, and service account tokens for other audiences too.
  service.reviewToken = createTokenReviewer({
    authenticate,
    verifyServiceAccountToken: (token, audiences) => serviceAccounts.tokens.verify(token, audiences),
    apiAudiences: serviceAccounts.tokens.audiences,
  });
  const onForbidden = logDenials(log);
  // kube-aggregator: APIServices served by extension API servers (proxy, discovery, availability).
  const apiAggregation = aggregationLayer(service, {
    dataDir: opts.dataDir,
    clusterCaCert: pki.caCert,
    log,
    ...(opts.frontProxy ? { frontProxy: opts.frontProxy } : {}),
    ...(opts.requestheaderAllowedNames ? { allowedNames: opts.requestheaderAllowedNames } : {}),
    ...(opts.requestheaderHeaders ? { headers: opts.requestheaderHeaders } : {}),
    onFrontProxyCa: (caPem) => {
      // The listeners now ask for certificates from either CA (as kube-apiserver's union of client CAs); which one a
      // chain ends in decides who it speaks for (src/api/peer-certificate.ts).
      tlsCa = [pki.caCert, caPem];
      for (const l of listeners) l.setSecureContext({ key: pki.serverKey, cert: pki.serverCert, ca: tlsCa });
      requestHeader = requestHeaderAuthenticator({
        clientCaPem: caPem,
        allowedNames: opts.requestheaderAllowedNames ?? [FRONT_PROXY_CLIENT_NAME],
        ...REQUEST_HEADER_DEFAULTS,
        ...opts.requestheaderHeaders,
      });
    },
  });
  const app = createApp({
    service,
    registry,
    // The same lookup (one parse of openapi/definitions.json, on first use) as the write path's managedFields.
    schema: defaultSchemaLookup,
    authenticate,
    nodes,
    isReady: () => ready,
    // One audit-style line per 403 (denial-audit.ts).
    onForbidden,
    health: health.endpoints,
    requestLog: observed.requestLog,
    ...(observed.audit ? { audit: observed.audit } : {}),
    onHealthFailure: (endpoint, failures) => log.debug({ failures }, `${endpoint} check failed`),
    serverAddress: () => `${advertised}:${port}`,
    aggregator: apiAggregation.app,
  });
  const sockets = new Set<Socket>();
  // exec/attach/portforward (and ws) load with the first upgrade, not at start-up; the socket holds what the
  // client sends meanwhile (the HTTP server stops reading it for an upgrade).
  let upgradeHandler: Promise<UpgradeHandler> | undefined;
  const upgrade: UpgradeHandler = (req, socket, head) => {
    socket.on('error', () => undefined); // a client gone while the handler loads
    upgradeHandler ??= import('../api/streams/upgrade.js').then(({ createUpgradeHandler }) =>
      createUpgradeHandler({
        service,
        registry,
        authenticate,
        nodes,
        onForbidden,
        onSessionError: (e) => log.warn({ err: e }, 'exec/attach session failed'),
      }),
    );
    upgradeHandler.then(
      (handle) => handle(req, socket, head),
      (e) => {
        log.error({ err: (e as Error).message }, 'upgrade handler failed to load');
        socket.destroy();
      },
    );
  };
  // Upgrades bypass express and its audit filter: audited around the handler (audit/upgrade-audit.ts).
  const auditedUpgrade = observed.audit ? auditUpgrades(upgrade, { ...observed.audit, registry, authenticate }) : upgrade;
  // One listener on the bind address, and another on the pod network gateway (in-cluster-listener.ts).
  const createListener = () => {
    const s = https.createServer(
      {
        key: pki.serverKey,
        cert: pki.serverCert,
        ca: tlsCa,
        requestCert: true,
        rejectUnauthorized: false,
      },
      app,
    );
    listeners.push(s);
    s.keepAliveTimeout = 60_000;
    // WebSocket exec/attach arrive as upgrades, which express never sees; nor what the HTTP parser refuses.
    s.on('upgrade', auditedUpgrade);
    answerClientErrors(s);
    s.on('secureConnection', (c) => {
      sockets.add(c);
      c.on('close', () => sockets.delete(c));
    });
    return s;
  };
  const server = createListener();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.bindAddress, () => resolve());
  });
  port = (server.address() as { port: number }).port;
  reached('listening');
  health.finished('generic-apiserver-start-informers');
  const url = serverUrlFor(advertised, port);
  const podNetworkListener = needsExtraListener(opts.bindAddress, podNetwork.gateway)
    ? listenOnceAddressExists(createListener, podNetwork.gateway, port, log)
    : undefined;

  // The `kubernetes` Service's endpoints name the address pods reach us on: the pod network's gateway.
  const booted = await bootstrap(service, { address: podNetwork.gateway, port, serviceCidr: serviceNetwork.cidr });
  const kubernetesService = keepKubernetesService(service, booted.apiServer, booted.context, log);
  health.finished('bootstrap-controller');
  reached('bootstrap-objects');
  const ctx = makeContext(service, log);
  // The bootstrap RBAC policy, reconciled before any component acts under it (the rbac/bootstrap-roles hook).
  // The built-in PriorityClasses (scheduling/bootstrap-system-priority-classes), before any pod is admitted. The two
  // hooks are independent, so they run side by side.
  await Promise.all([bootstrapRbac(ctx.client(APISERVER_USER), log), ensureSystemPriorityClasses(ctx.client(APISERVER_USER), log)]);
  health.finished('rbac/bootstrap-roles');
  reached('bootstrap');
  // kube-controller-manager's controllers, the scheduler, node status and cluster DNS: other processes upstream, so
  // kube-apiserver's /readyz never waits for them. They are started once the API is ready (their informers' first
  // lists then do not hold /readyz back) and start-up waits for them before writing the kubeconfig and starting the
  // kubelet, as before.
  const startControllers = async () => {
    const inTurn = startInTurns();
    // Cluster DNS (CoreDNS's role): the kube-dns Service, and its server on the pod gateway once the network exists.
    // Its modules (and dns-packet) load only now, after /readyz answers.
    const { startClusterDns } = await inTurn(() => import('./cluster-dns.js'));
    const clusterDns = startClusterDns(ctx, {
      cidr: serviceNetwork.cidr,
      domain: serviceNetwork.clusterDomain,
      nodeName: node,
      gateway: podNetwork.gateway,
      log,
    });
    // The node's InternalIP is the host's own address (the kubelet's choice), not the API server's bind address.
    const nodeIPFound = detectNodeIP(node);
    // Independent of one another, so started together: their caches' first lists, the engine probe and the Node's
    // status write overlap instead of queueing. Each begins in its own turn of the event loop (start-in-turns.ts), so
    // that requests arriving meanwhile are answered between two of them.
    const [lifecycle, defaults, gc, pvcBinder, replicaSets, deployments, disruption, podGC, stopNode, scheduler, eventTtl, ...groups] =
      await Promise.all([
        inTurn(() => startNamespaceLifecycle(ctx)),
        inTurn(() => startNamespaceDefaults(ctx, pki.caCert)),
        inTurn(() => startGarbageCollector(ctx)),
        inTurn(() => startPvcBinder(ctx)),
        inTurn(() => startReplicaSetControllers(ctx)),
        inTurn(() => startDeploymentController(ctx)),
        inTurn(() => startDisruptionController(ctx)),
        inTurn(() => startPodGC(ctx)),
        inTurn(() => nodeIPFound.then((ip) => startNodeStatus(ctx, docker, ip, { name: node }))),
        inTurn(() => startScheduler(ctx)),
        inTurn(() => startEventTtl(ctx, { ttlMs: opts.eventTtlMs })),
        // The endpoints, EndpointSlice and mirroring controllers.
        inTurn(() => startEndpointControllers(ctx)),
        // ServiceLB: LoadBalancer services get the node's address as ingress (k3s's embedded load balancer).
        inTurn(() => startServiceLBController(ctx).then((c) => [c.controller])),
        // ClusterRoles with an aggregationRule (admin, edit, view...) kept as the union of the roles they select.
        inTurn(() => startClusterRoleAggregation(ctx).then((c) => [c])),
        // Jobs, CronJobs and the deletion of finished Jobs past their TTL.
        inTurn(() => startBatchControllers(ctx)),
        // StatefulSets and DaemonSets (with their ControllerRevisions).
        inTurn(() => startStatefulControllers(ctx)),
        // HorizontalPodAutoscalers, scaling their targets through /scale from metrics.k8s.io.
        inTurn(() => startHpaController(ctx, { syncPeriodMs: opts.hpaSyncPeriodMs }).then((c) => [c.controller])),
        // IPAddress objects for the allocated ClusterIPs (the allocator's visible state, networking.k8s.io/v1).
        inTurn(() => startIPAddressAllocatorState(ctx).then((c) => [c])),
        // CSR signing with the cluster CA and the legacy service-account-token Secrets (kube-controller-manager's).
        inTurn(() => startIdentityControllers(ctx, pki, saTokens.legacy)),
        // CRD names, conditions and the customresourcecleanup finalizer, as the API server's loopback client.
        inTurn(() => startCrdControllers(ctx.client(APISERVER_USER), log).then((c) => [c])),
        // ResourceQuotas' status.hard and status.used (kube-controller-manager's resourcequota controller).
        inTurn(() => startResourceQuotaController(ctx).then((c) => [c.controller])),
        // ValidatingAdmissionPolicies' status.typeChecking (the type checker loads with the first policy).
        inTurn(() =>
          startValidatingAdmissionPolicyStatusController(ctx, () =>
            import('../admission/policy/typechecking.js').then((m) => new m.TypeChecker(registryTypeCheckHost(service.registry))),
          ).then((c) => [c]),
        ),
        // The aggregation layer's APIService availability checks and remote discovery.
        inTurn(() => apiAggregation.start()),
      ]);
    const controllers = [
      lifecycle,
      defaults,
      gc,
      pvcBinder,
      ...replicaSets.controllers,
      deployments.controller,
      disruption.controller,
      podGC.controller,
      ...groups.flat(),
    ];
    return { controllers, clusterDns, stopNode, scheduler, eventTtl, nodeIP: await nodeIPFound };
  };
  const docker = parseDockerHost(opts.dockerHost);
  // The informers authorization and the served kinds read from (started with the store) have their first lists.
  await rbacSynced;
  await customResources.synced;
  await nodeGraphSource.synced;
  await admissionWebhooks;
  reached('synced');
  informersSynced = true;
  ready = true;
  // The hook starts the controllers and returns, as upstream's controller-starting hooks do: /readyz answers now.
  const controllersStarted = startControllers();
  health.finished('start-dockube-controllers');
  reached('ready');
  const cpuMs = cpuMsSoFar();
  opts.onReady?.();
  const { controllers, clusterDns, stopNode, scheduler, eventTtl, nodeIP } = await controllersStarted;
  reached('controllers');
  const countTimer = setInterval(() => void countObjects(), 30_000);
  const countObjects = async () => {
    for (const d of registry.defs)
      if (!d.virtualCreate && !d.virtualRead)
        storageObjects.set({ resource: d.group ? `${d.plural}.${d.group}` : d.plural }, (await service.list(d, undefined)).items.length);
  };
  void countObjects();
  // Clients waiting for the kubeconfig need not wait for the kubelet's modules to load.
  // Written only when missing or changed (URL, CA, credentials): a user's edits (a context's namespace) stay.
  const kubeconfigWritten = await writeKubeconfig(opts.kubeconfigPath, { server: url, pki, mode: opts.kubeconfigMode });
  reached('kubeconfig');
  // The node side of PVCs: this node's Docker volumes, also for claims that name no node (the server's own node).
  // Like the kubelet, it loads and starts once the API is ready.
  const provisioner = import('../node/volume-provisioner.js')
    .then(({ startVolumeProvisioner }) =>
      startVolumeProvisioner(ctx, { docker: engine, nodeName: node, dataDir: opts.dataDir, provisionUnselected: true }),
    )
    .catch((e: unknown) => log.error({ err: (e as Error).message }, 'volume provisioner did not start'));
  // The kubelet talks to Docker: it starts after the API is ready and retries on its own while the engine is away.
  // Pods reach the API on the pod network gateway, at the port now listened on. Its modules (and the runtime's)
  // load only now, after /readyz answers.
  const { startKubelet } = await import('../reconcilers/kubelet/kubelet.js');
  const kubelet = startKubelet(ctx, {
    docker,
    engine,
    dataDir: opts.dataDir,
    nodeName: node,
    network: podNetwork,
    hostIP: nodeIP,
    // KUBERNETES_SERVICE_* name the kubernetes ClusterIP and 443 once a service proxy carries them, else the gateway.
    apiEndpoint: { host: podNetwork.gateway, port, kubernetesService: serviceNetwork.proxyMode === 'none' ? 'endpoint' : 'clusterIP' },
    // Without a service proxy no ClusterIP answers: ClusterFirst pods then resolve as Default (kubelet without --cluster-dns).
    clusterDns: serviceNetwork.proxyMode === 'none' ? [] : [clusterDns.clusterIP],
    clusterDomain: serviceNetwork.clusterDomain,
    ...(opts.resolvConf ? { resolvConf: opts.resolvConf } : {}),
  });
  // The service proxy (kube-proxy's job) on this node, through the client seam as system:kube-proxy (bound to
  // system:node-proxier); it logs its mode.
  const serviceProxy = import('../proxy/proxy.js')
    .then(({ startServiceProxy }) =>
      startServiceProxy({
        client: ctx.client(KUBE_PROXY),
        log,
        mode: serviceNetwork.proxyMode,
        localEngine: 'socketPath' in docker,
        instance: instanceFor(opts.dataDir),
        nodeName: node,
        nodeIPs: [nodeIP],
        serviceCidr: serviceNetwork.cidr,
        podCidr: podNetwork.subnet,
        bridge: podNetwork.bridge!,
        keepRulesOnStop: serviceNetwork.keepRulesOnStop,
        dataDir: opts.dataDir,
      }),
    )
    .catch((e: unknown) => log.error({ err: (e as Error).message }, 'service proxy did not start'));
  log.info(
    { url, kubeconfig: opts.kubeconfigPath, kubeconfigWritten, startupMs: Date.now() - t0, beforeMs, cpuMs, phases },
    'dockube is ready',
  );
  // Start-up's leftovers (young generation, malloc arenas, pages touched once) are given back once idle: idle-trim.ts.
  const idleTrim = idleTrimEnabled() ? startIdleTrim(log) : undefined;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      ready = false;
      shuttingDown = true;
      idleTrim?.stop();
      clearInterval(countTimer);
      stopNode();
      kubernetesService.stop();
      scheduler.stop();
      eventTtl.stop();
      await kubelet.stop();
      await clusterDns.stop();
      await (await serviceProxy)?.stop();
      controllers.forEach((c) => c.stop());
      (await provisioner)?.stop();
      // Watches and other long requests end now; in-flight writes have already committed.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const closedPodNetwork = podNetworkListener?.stop();
      for (const s of sockets) s.destroy();
      await closed;
      await closedPodNetwork;
      rbacCache.stop();
      admissionPolicies.stop();
      customResources.stop();
      apiAggregation.stop();
      conversionCaller.close();
      (await admissionWebhooks).stop();
      nodeGraphSource.stop();
      service.cache.stop();
      await store.close();
      observed.close();
      log.info('dockube stopped');
    })());
  return { url, port, stop, log };
}
