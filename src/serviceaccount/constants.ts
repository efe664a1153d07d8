// Names and numbers of Kubernetes' service account machinery (pkg/serviceaccount, the ServiceAccount admission
// plugin, kubelet's token manager) that dockube reproduces.

/** The issuer (`iss`) and default audience of tokens: the in-cluster name of the API server. */
export const ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** Audiences the API server accepts, and the default of a TokenRequest without audiences. */
export const API_AUDIENCES: readonly string[] = [ISSUER];

/** TokenRequest defaults and limits (authentication/v1 defaulting and validation). */
export const DEFAULT_EXPIRATION_SECONDS = 3600;
export const MIN_EXPIRATION_SECONDS = 600;
export const MAX_EXPIRATION_SECONDS = 2 ** 32;
/** What the admission plugin asks for: one hour and seven seconds, the marker of an auto-mounted token. */
export const WARN_ONLY_EXPIRATION_SECONDS = 3607;
/** Pod-bound tokens with the marker expiration really live a year (warnafter records the requested hour). */
export const EXTENDED_EXPIRATION_SECONDS = 365 * 24 * 3600;
/** Kubelet refreshes a token once this fraction of its requested lifetime has passed (or after 24h). */
export const REFRESH_FRACTION = 0.8;
export const MAX_REFRESH_AGE_SECONDS = 24 * 3600;

/** Where every container finds token, ca.crt and namespace. */
export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const TOKEN_VOLUME_PREFIX = 'kube-api-access-';
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const DEFAULT_SERVICE_ACCOUNT = 'default';

/** UserInfo.extra keys a pod-bound token carries. */
export const EXTRA_POD_NAME = 'authentication.kubernetes.io/pod-name';
export const EXTRA_POD_UID = 'authentication.kubernetes.io/pod-uid';

export const SERVICE_ACCOUNT_USER_PREFIX = 'system:serviceaccount:';
export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';

export const serviceAccountUsername = (namespace: string, name: string) => `${SERVICE_ACCOUNT_USER_PREFIX}${namespace}:${name}`;
/** The groups every service account is in (besides system:authenticated). */
export const serviceAccountGroups = (namespace: string) => [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${namespace}`];
