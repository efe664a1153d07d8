// The authenticated caller (k8s.io/apiserver's user.Info): what authorization and the audit of writes see.
export interface UserInfo {
  name: string;
  groups: string[];
  uid?: string;
}
