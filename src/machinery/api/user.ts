// The authenticated caller (k8s.io/apiserver's user.Info): what authorization and the audit of writes see.
export interface UserInfo {
  name: string;
  groups: string[];
  uid?: string;
  /** Extra attributes (user.Info's Extra): a pod-bound token's pod name/uid, impersonated `Impersonate-Extra-*`. */
  extra?: Record<string, string[]>;
}
