// AdmissionReview requests and the checks on their responses (admission/plugin/webhook/request): the request as
// upstream's CreateAdmissionObjects builds it (the resource and kind the webhook matched, the request's own as
// requestResource/requestKind), sent as admission.k8s.io/v1 or v1beta1, whichever the webhook lists first; the
// response must echo the uid and the version and may carry a patch only from a mutating webhook, as JSONPatch.
import type { KObject } from '../../machinery/api/meta.js';
import type { AdmissionAttributes, GroupVersionKind, GroupVersionResource } from '../chain.js';
import { admissionRequestJson } from '../cel/request.js';

export const REVIEW_VERSIONS = ['v1', 'v1beta1'] as const;
export type ReviewVersion = (typeof REVIEW_VERSIONS)[number];

/** The first version the webhook accepts that we speak, or undefined. */
export function reviewVersionFor(accepted: readonly string[] | undefined): ReviewVersion | undefined {
  return (accepted ?? []).find((v): v is ReviewVersion => (REVIEW_VERSIONS as readonly string[]).includes(v));
}

export interface Matched {
  resource: GroupVersionResource;
  kind: GroupVersionKind;
}

export function admissionReview(
  version: ReviewVersion,
  uid: string,
  attrs: AdmissionAttributes,
  matched: Matched | undefined,
  object: KObject | undefined,
  oldObject: KObject | undefined,
): Record<string, unknown> {
  return {
    apiVersion: `admission.k8s.io/${version}`,
    kind: 'AdmissionReview',
    request: { uid, ...admissionRequestJson(attrs, matched), object: object ?? null, oldObject: oldObject ?? null },
  };
}

/** metav1.Status as a webhook returns it. */
export interface ReviewStatus {
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: Record<string, unknown>;
}

export interface ReviewResult {
  allowed: boolean;
  status?: ReviewStatus;
  /** The decoded JSON patch text, when the webhook sent one. */
  patch?: string;
  warnings: string[];
  auditAnnotations: Record<string, string>;
}

/** Throws an Error whose message follows `received invalid webhook response: `. */
export function verifyReviewResponse(body: unknown, uid: string, version: ReviewVersion, mutating: boolean): ReviewResult {
  const review = (body ?? {}) as { apiVersion?: string; kind?: string; response?: Record<string, unknown> | null };
  const r = review.response;
  if (!r || typeof r !== 'object') throw new Error('webhook response was absent');
  if (r.uid !== uid) throw new Error(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(r.uid ?? '')}`);
  const patch = typeof r.patch === 'string' && r.patch !== '' ? r.patch : undefined;
  let patchType = typeof r.patchType === 'string' ? r.patchType : '';
  if (version === 'v1') {
    const got = gvkString(review.apiVersion, review.kind);
    if (got !== 'admission.k8s.io/v1, Kind=AdmissionReview')
      throw new Error(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${got}`);
  } else if (patch && !patchType) {
    patchType = 'JSONPatch'; // v1beta1 allowed the type to be left out
  }
  if (mutating) {
    if (patch && !patchType) throw new Error('webhook returned response.patch but not response.patchType');
    if (patchType && !patch) throw new Error('webhook returned response.patchType but not response.patch');
    if (patchType && patchType !== 'JSONPatch')
      throw new Error(`webhook returned invalid response.patchType of ${JSON.stringify(patchType)}`);
  } else {
    if (patchType) throw new Error('validating webhook may not return response.patchType');
    if (patch) throw new Error('validating webhook may not return response.patch');
  }
  const warnings = Array.isArray(r.warnings) ? r.warnings.filter((w): w is string => typeof w === 'string') : [];
  const auditAnnotations: Record<string, string> = {};
  if (r.auditAnnotations && typeof r.auditAnnotations === 'object')
    for (const [k, v] of Object.entries(r.auditAnnotations as Record<string, unknown>)) if (typeof v === 'string') auditAnnotations[k] = v;
  return {
    allowed: r.allowed === true,
    ...(r.status && typeof r.status === 'object' ? { status: r.status as ReviewStatus } : {}),
    ...(patch ? { patch: Buffer.from(patch, 'base64').toString('utf8') } : {}),
    warnings,
    auditAnnotations,
  };
}

/** schema.GroupVersionKind's String(): `admission.k8s.io/v1, Kind=AdmissionReview` (`/, Kind=` when empty). */
function gvkString(apiVersion: string | undefined, kind: string | undefined): string {
  const av = apiVersion ?? '';
  const [group, version] = av.includes('/') ? av.split('/', 2) : ['', av];
  return `${group}/${version}, Kind=${kind ?? ''}`;
}
