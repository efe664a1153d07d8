// Where the apiserver sends a webhook call, as admissionregistration's and apiextensions' WebhookClientConfig say:
// a URL, or a Service reference (namespace, name, port, path), with the CA bundle that verifies its serving
// certificate. Shared by admission webhooks and CRD conversion webhooks.

export interface ServiceReference {
  namespace: string;
  name: string;
  path?: string;
  /** Defaults to 443. */
  port?: number;
}

export interface WebhookClientConfig {
  url?: string;
  service?: ServiceReference;
  /** Base64 of PEM CA certificates; the host's roots when empty. */
  caBundle?: string;
}

/** The host name a Service-backed webhook's certificate must hold (the apiserver's SNI for it): `<svc>.<ns>.svc`. */
export const serviceServerName = (s: ServiceReference): string => `${s.name}.${s.namespace}.svc`;

/** The URL the apiserver names in its errors: the webhook's own, or `https://<svc>.<ns>.svc:<port><path>`. */
export function displayUrl(cfg: WebhookClientConfig): string {
  if (cfg.url) return cfg.url;
  const s = cfg.service;
  if (!s) return '';
  const path = s.path ?? '';
  return `https://${serviceServerName(s)}:${s.port ?? 443}${path.startsWith('/') || path === '' ? path : `/${path}`}`;
}
