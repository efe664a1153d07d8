// CONNECT admission (the apiserver's connect handler): an exec or attach is admitted before the node starts anything,
// with the request's PodExecOptions or PodAttachOptions as the object, so webhooks and policies whose rules name
// CONNECT on pods/exec or pods/attach can refuse it. What a mutating plugin changes in the options is not used.
import type { KObject, UserInfo } from '../registry/types.js';
import type { AdmissionChain } from './chain.js';

export interface ConnectRequest {
  subresource: 'exec' | 'attach';
  version: string;
  namespace: string;
  name: string;
  user: UserInfo;
  options: { container?: string; command?: string[]; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean };
}

const KINDS = { exec: 'PodExecOptions', attach: 'PodAttachOptions' } as const;

/** Throws the refusal (a StatusError) of the first plugin that refuses. */
export async function admitConnect(chain: AdmissionChain, r: ConnectRequest): Promise<void> {
  const kind = KINDS[r.subresource];
  const { command, ...rest } = r.options;
  const object = { kind, apiVersion: 'v1', ...rest, ...(r.subresource === 'exec' ? { command: command ?? [] } : {}) } as unknown as KObject;
  const attrs = {
    operation: 'CONNECT' as const,
    kind: { group: '', version: 'v1', kind },
    resource: { group: '', version: r.version, resource: 'pods' },
    subresource: r.subresource,
    namespace: r.namespace,
    name: r.name,
    object,
    user: r.user,
    dryRun: false,
    warnings: [],
  };
  await chain.admit(attrs);
  await chain.validate(attrs);
}
