// The pod network: one user-defined bridge for every pod on the node (Docker isolates separate bridges from
// each other, so per-namespace networks would break pod-to-pod traffic). The host reaches pod IPs through
// the gateway address it holds on the bridge.
import type Docker from 'dockerode';
import { engineStatus } from './engine.js';

export interface PodNetworkConfig {
  name: string;
  subnet: string;
  gateway: string;
  bridge?: string;
  labels?: Record<string, string>;
}

export const POD_NETWORK: PodNetworkConfig = {
  name: 'dockube-pods',
  subnet: '10.244.0.0/16',
  gateway: '10.244.0.1',
  bridge: 'dockube0',
  labels: { 'dockube.io/network': 'pods' },
};

/** Creates the network if it is missing; an existing one (ours from an earlier run) is used as it is. */
export async function ensurePodNetwork(docker: Docker, cfg: PodNetworkConfig = POD_NETWORK): Promise<void> {
  try {
    await docker.getNetwork(cfg.name).inspect();
    return;
  } catch (e) {
    if (engineStatus(e) !== 404) throw e;
  }
  try {
    await docker.createNetwork({
      Name: cfg.name,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: cfg.labels ?? {},
      IPAM: { Driver: 'default', Config: [{ Subnet: cfg.subnet, Gateway: cfg.gateway }] },
      Options: cfg.bridge ? { 'com.docker.network.bridge.name': cfg.bridge } : {},
    });
  } catch (e) {
    // Another process created it in the meantime.
    if (engineStatus(e) !== 409) throw e;
  }
}
