// Who the generated credentials stand for. The admin is in system:masters, the group Kubernetes lets do anything.
import type { UserInfo } from '../machinery/api/user.js';

export const ADMIN_USER: UserInfo = { name: 'dockube-admin', groups: ['system:masters'] };
export const VIEWER_USER: UserInfo = { name: 'dockube-viewer', groups: ['dockube:viewers'] };
/** A scraper's identity: system:monitoring is the group Kubernetes' system:monitoring role binds (get on /metrics). */
export const MONITORING_USER: UserInfo = { name: 'dockube-monitoring', groups: ['system:monitoring'] };
/** The identity Kubernetes gives requests without credentials. */
export const ANONYMOUS_USER: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

export const CA_COMMON_NAME = 'dockube-ca';
export const SERVER_COMMON_NAME = 'dockube-apiserver';
