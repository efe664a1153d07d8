// certificates.k8s.io/v1 CertificateSigningRequest (pkg/apis/certificates/validation and
// pkg/registry/certificates/certificates/strategy.go): the request must be a PKCS#10 PEM with a good signature, usages
// from the known set, a signerName `domain/path`; the main resource changes metadata only, /status may set the
// certificate (once) and the Failed condition, /approval the Approved or Denied condition (one of them, never removed).
import type { Strategy } from '../types.js';
import { parseCsr } from '../../pki/csr.js';
import { nowTimestamp } from '../object-meta.js';
import { clone, deepEqual } from '../../machinery/api/equality.js';
import {
  arr,
  child,
  duplicate,
  forbidden,
  index,
  invalid,
  isObj,
  notSupported,
  required,
  tooLong,
  type Errs,
  type J,
} from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { isDNS1123Label, isDNS1123Subdomain } from './common/names.js';

export const KUBE_APISERVER_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';
export const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
export const LEGACY_UNKNOWN_SIGNER = 'kubernetes.io/legacy-unknown';

export const VALID_USAGES = [
  'signing',
  'digital signature',
  'content commitment',
  'key encipherment',
  'key agreement',
  'data encipherment',
  'cert sign',
  'crl sign',
  'encipher only',
  'decipher only',
  'any',
  'server auth',
  'client auth',
  'code signing',
  'email protection',
  's/mime',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'timestamping',
  'ocsp signing',
  'microsoft sgc',
  'netscape sgc',
].sort();

const TRUE_ONLY = ['Approved', 'Denied', 'Failed'];
const ALL_STATUS = ['False', 'True', 'Unknown'];

/** spec.request is base64 of the PEM in JSON; the PEM text, or undefined when it is not base64 of anything. */
export function requestPem(csr: J): string {
  const r = csr?.spec?.request;
  return typeof r === 'string' ? Buffer.from(r, 'base64').toString('utf8') : '';
}

/** ValidateSignerName: `<fqdn>/<path>`, the domain of DNS labels with a dot, the path of DNS subdomains. */
export function validateSignerName(path: string, signerName: unknown): Errs {
  if (typeof signerName !== 'string' || signerName === '') return [required(path)];
  const segments = signerName.split('/');
  if (segments.length !== 2)
    return [invalid(path, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const [domain, rest] = segments as [string, string];
  const errs: Errs = [];
  if (domain.length > 253) errs.push(tooLong(path, 253));
  const labels = domain.split('.');
  for (const l of labels) {
    const e = isDNS1123Label(l);
    if (e.length) {
      errs.push(...e.map((m) => invalid(path, domain, `validating label "${l}": ${m}`)));
      break;
    }
  }
  if (labels.length < 2) errs.push(invalid(path, domain, 'should be a domain with at least two segments separated by dots'));
  for (const l of rest.split('.')) {
    const e = isDNS1123Subdomain(l);
    if (e.length) {
      errs.push(...e.map((m) => invalid(path, rest, `validating label "${l}": ${m}`)));
      break;
    }
  }
  if (signerName.length > 253 + 253 + 63 + 2) errs.push(tooLong(path, 253 + 253 + 63 + 2));
  return errs;
}

/** validateCertificate: status.certificate, when set, is only CERTIFICATE PEM blocks without headers. */
function certificateError(b64: unknown): string | undefined {
  if (typeof b64 !== 'string' || b64 === '') return undefined;
  const pem = Buffer.from(b64, 'base64').toString('utf8');
  const blocks = [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g)];
  if (!blocks.length) return 'must contain at least one CERTIFICATE PEM block';
  for (const b of blocks) {
    if (b[1] !== 'CERTIFICATE') return `only CERTIFICATE PEM blocks are allowed, found "${b[1]}"`;
    if (/^[\w-]+:/m.test(b[2]!)) return 'no PEM block headers are permitted';
  }
  return undefined;
}

function validateConditions(csr: J): Errs {
  const errs: Errs = [];
  const path = 'status.conditions';
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  arr(csr?.status?.conditions).forEach((c: J, i: number) => {
    const p = index(path, i);
    if (!c?.type) errs.push(required(child(p, 'type')));
    const allowed = TRUE_ONLY.includes(c?.type) ? ['True'] : ALL_STATUS;
    if (!c?.status) errs.push(required(child(p, 'status')));
    else if (!allowed.includes(c.status)) errs.push(notSupported(child(p, 'status'), c.status, allowed));
    if (c?.type === 'Approved') {
      approved = true;
      if (denied) errs.push(invalid(child(p, 'type'), c.type, 'Approved and Denied conditions are mutually exclusive'));
    } else if (c?.type === 'Denied') {
      denied = true;
      if (approved) errs.push(invalid(child(p, 'type'), c.type, 'Approved and Denied conditions are mutually exclusive'));
    }
    if (seen.has(c?.type)) errs.push(duplicate(child(p, 'type'), c?.type));
    seen.add(c?.type);
  });
  return errs;
}

export function validateCertificateSigningRequest(csr: J): Errs {
  const errs: Errs = validateObjectMeta(csr.metadata, { namespaced: false, nameFn: () => [] });
  const spec = isObj(csr.spec) ? csr.spec : {};
  try {
    parseCsr(requestPem(csr));
  } catch (e) {
    errs.push(invalid('spec.request', spec.request ?? '', (e as Error).message));
  }
  const usages = arr(spec.usages);
  if (!usages.length) errs.push(required('spec.usages'));
  usages.forEach((u: unknown, i: number) => {
    if (!VALID_USAGES.includes(u as string)) errs.push(notSupported(index('spec.usages', i), u, VALID_USAGES));
  });
  const seen = new Set<unknown>(); // an indexOf per usage was quadratic: 60,000 usages took 4.4 s
  usages.forEach((u: unknown, i: number) => {
    if (seen.has(u)) errs.push(duplicate(index('spec.usages', i), u));
    seen.add(u);
  });
  if (spec.signerName === LEGACY_UNKNOWN_SIGNER)
    errs.push(invalid('spec.signerName', spec.signerName, 'the legacy signerName is not allowed via this API version'));
  else errs.push(...validateSignerName('spec.signerName', spec.signerName));
  if (typeof spec.expirationSeconds === 'number' && spec.expirationSeconds < 600)
    errs.push(invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  errs.push(...validateConditions(csr));
  const certErr = certificateError(csr.status?.certificate);
  if (certErr) errs.push(invalid('status.certificate', '<certificate data>', certErr));
  return errs;
}

const conditionsOf = (csr: J, type: string) => arr(csr?.status?.conditions).filter((c: J) => c?.type === type);

/** validateCertificateSigningRequestUpdate with what each path may change. */
function validateUpdate(csr: J, old: J, opts: { approval: boolean; certificate: boolean }): Errs {
  const errs: Errs = [...validateObjectMetaUpdate(csr.metadata, old.metadata)];
  for (const t of ['Approved', 'Denied', 'Failed'])
    if (conditionsOf(csr, t).length < conditionsOf(old, t).length)
      errs.push(forbidden('status.conditions', `updates may not remove a condition of type "${t}"`));
  if (!opts.approval)
    for (const t of ['Approved', 'Denied']) {
      const [n, o] = [conditionsOf(csr, t), conditionsOf(old, t)];
      if (n.length > o.length) errs.push(forbidden('status.conditions', `updates may not add a condition of type "${t}"`));
      else if (n.length === o.length && !deepEqual(n, o))
        errs.push(forbidden('status.conditions', `updates may not modify a condition of type "${t}"`));
    }
  const [cert, oldCert] = [csr.status?.certificate ?? '', old.status?.certificate ?? ''];
  if (cert !== oldCert) {
    if (!opts.certificate) errs.push(forbidden('status.certificate', 'updates may not set certificate content'));
    else if (oldCert) errs.push(forbidden('status.certificate', 'updates may not modify existing certificate content'));
  }
  return errs;
}

/** populateConditionTimestamps: lastUpdateTime defaults to now; lastTransitionTime carries over an unchanged status. */
function populateConditionTimestamps(csr: J, old: J): void {
  const now = nowTimestamp();
  // The old conditions by type, once: filtering them for each new condition was quadratic (60,000: 18.8 s).
  const oldByType = new Map<unknown, J[]>();
  for (const o of arr(old?.status?.conditions)) {
    const same = oldByType.get(o?.type);
    if (same) same.push(o);
    else oldByType.set(o?.type, [o]);
  }
  for (const c of arr(csr?.status?.conditions)) {
    if (!isObj(c)) continue;
    if (!c.lastUpdateTime) c.lastUpdateTime = now;
    if (!c.lastTransitionTime) {
      const prev = (oldByType.get(c.type) ?? []).find((o: J) => o.status === c.status && o.lastTransitionTime);
      c.lastTransitionTime = prev?.lastTransitionTime ?? now;
    }
  }
}

/** Everything but status.conditions (approval) or status (status) comes from the stored object. */
const keepAllBut = (obj: J, old: J, keep: (o: J) => void) => {
  for (const k of Object.keys(obj)) if (!['apiVersion', 'kind', 'metadata', 'status'].includes(k)) delete obj[k];
  for (const [k, v] of Object.entries(old)) if (!['apiVersion', 'kind', 'metadata', 'status'].includes(k)) obj[k] = clone(v);
  keep(obj);
};

export const certificateSigningRequestStrategy: Strategy = {
  prepareForCreate(obj) {
    obj.status = {};
    const spec = isObj(obj.spec) ? obj.spec : (obj.spec = {});
    // Who asked is the authenticated requester's, set by admission from the request (never the body's).
    for (const f of ['username', 'uid', 'groups', 'extra']) delete spec[f];
  },
  prepareForUpdate(obj, old) {
    obj.spec = clone(old.spec);
  },
  validate: validateCertificateSigningRequest,
  validateUpdate: (obj, old) => validateUpdate(obj, old, { approval: false, certificate: false }),
  generationFields: [],
};

export const certificateSigningRequestStatusStrategy: Strategy = {
  prepareForUpdate(obj, old) {
    keepAllBut(obj, old, () => undefined);
    populateConditionTimestamps(obj, old);
  },
  validate: validateCertificateSigningRequest,
  validateUpdate: (obj, old) => validateUpdate(obj, old, { approval: false, certificate: true }),
  generationFields: [],
  // Upstream's csrStatusStrategy and csrApprovalStrategy put back the spec and status only: metadata is the write's.
  keepsRequestLabels: true,
};

export const certificateSigningRequestApprovalStrategy: Strategy = {
  prepareForUpdate(obj, old) {
    const conditions = (obj.status as J)?.conditions;
    keepAllBut(obj, old, (o) => {
      o.status = { ...clone((old.status as J) ?? {}) };
      if (conditions !== undefined) o.status.conditions = conditions;
      else delete o.status.conditions;
    });
    populateConditionTimestamps(obj, old);
  },
  validate: validateCertificateSigningRequest,
  validateUpdate: (obj, old) => validateUpdate(obj, old, { approval: true, certificate: false }),
  generationFields: [],
  keepsRequestLabels: true,
};
