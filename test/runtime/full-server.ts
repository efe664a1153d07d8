// The full server as `dockube server` runs it (TLS, its PKI and kubeconfig, the kubelet on the local engine), for the
// suites that go through it end to end; each file passes its own service range, since servers of parallel files
// share the host's netfilter tables, and gets a pod network of its own in jest's 10.199.x.0/24 (as `dockube server`
// gets its own): the shared 10.244.0.0/16 `dockube-pods` network could not be created once a conformance server
// beside jest had taken that range, and the pods never started.
import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SERVICE_NETWORK } from '../../src/server/options.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { DEFAULT_WATCH_CACHE_BYTES } from '../../src/storage/event-window.js';
import { createTestNetwork } from './support.js';

/** The docker CLI; its output. */
export const dockerCli = (...args: string[]) =>
  execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });

export class FullServer {
  server!: RunningServer;
  dataDir = '';
  port = 0;
  /** The server's CA certificate (PEM). */
  ca = '';
  /** The admin's bearer token. */
  admin = '';
  /** The pod network's gateway: where pods reach the server. */
  gateway = '';
  private readonly docker = new Docker({ socketPath: '/var/run/docker.sock' });
  private networkName = '';

  /** `name` names the data directory; `serviceCidr` is the file's own service range. */
  constructor(
    private readonly name: string,
    private readonly serviceCidr: string,
  ) {}

  get kubeconfig(): string {
    return join(this.dataDir, 'kubeconfig.yaml');
  }

  async start(): Promise<void> {
    dockerCli('version'); // no engine: fail here, loudly
    this.dataDir = mkdtempSync(join(tmpdir(), `dockube-${this.name}-`));
    this.networkName = `dockube-test-${this.name}-${process.pid}`;
    const { subnet, gateway } = await createTestNetwork(this.docker, this.networkName, this.name, 199);
    this.gateway = gateway;
    this.server = await startServer({
      podNetwork: { name: this.networkName, subnet, gateway },
      dataDir: this.dataDir,
      bindAddress: '127.0.0.1',
      port: 0,
      kubeconfigPath: this.kubeconfig,
      dockerHost: 'unix:///var/run/docker.sock',
      eventTtlMs: 3_600_000,
      logLevel: 'silent' as never,
      watchCacheBytes: DEFAULT_WATCH_CACHE_BYTES,
      services: { ...DEFAULT_SERVICE_NETWORK, cidr: this.serviceCidr },
    });
    this.port = Number(new URL(this.server.url).port);
    this.ca = readFileSync(join(this.dataDir, 'pki', 'ca.crt'), 'utf8');
    this.admin = (JSON.parse(readFileSync(join(this.dataDir, 'pki', 'tokens.json'), 'utf8')) as { admin: string }).admin;
  }

  /** Stops the server and removes its containers (found by its data directory's label) and the data directory. */
  async stop(): Promise<void> {
    await this.server?.stop();
    if (!this.dataDir) return;
    const ids = dockerCli('ps', '-aq', '--filter', `label=dockube.io/data-dir=${this.dataDir}`).split('\n').filter(Boolean);
    if (ids.length) dockerCli('rm', '-f', ...ids);
    await this.docker
      .getNetwork(this.networkName)
      .remove()
      .catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
