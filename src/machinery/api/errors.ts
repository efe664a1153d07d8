// Errors carried as metav1.Status, so clients print what they print for real Kubernetes.

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  /** ListMeta carried by the Status (an expired continue token's replacement). */
  listMeta?: Record<string, unknown>;
  constructor(
    public code: number,
    public reason: string,
    message: string,
    public details?: StatusDetails,
  ) {
    super(message);
  }
  toStatus(): Status {
    const s: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: this.listMeta ?? {},
      status: 'Failure',
      message: this.message,
      // An error that is no Status upstream has no reason, and metav1.Status omits an empty one.
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
    return s;
  }
}

/** A resource reference as Kubernetes' errors name it: `pods` or `deployments.apps`. */
export interface GroupResource {
  group: string;
  resource: string;
}
const qualified = (gr: GroupResource) => (gr.group ? `${gr.resource}.${gr.group}` : gr.resource);
const detailsFor = (gr: GroupResource, name: string): StatusDetails =>
  gr.group ? { name, group: gr.group, kind: gr.resource } : { name, kind: gr.resource };

export const notFound = (gr: GroupResource, name: string) =>
  new StatusError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, detailsFor(gr, name));
export const alreadyExists = (gr: GroupResource, name: string) =>
  new StatusError(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, detailsFor(gr, name));
export const conflict = (
  gr: GroupResource,
  name: string,
  why = 'the object has been modified; please apply your changes to the latest version and try again',
) => new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, detailsFor(gr, name));
export const badRequest = (message: string) => new StatusError(400, 'BadRequest', message);
export const forbidden = (message: string, details?: StatusDetails) => new StatusError(403, 'Forbidden', message, details);
export const unauthorized = () => new StatusError(401, 'Unauthorized', 'Unauthorized');
export const methodNotAllowed = (message = 'the server does not allow this method on the requested resource') =>
  new StatusError(405, 'MethodNotAllowed', message);
export const notAcceptable = (message = 'the server was unable to respond with a content type that the client supports') =>
  new StatusError(406, 'NotAcceptable', message);
export const unsupportedMediaType = (contentType: string) =>
  new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${contentType})`,
  );
export const tooLarge = () => new StatusError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
export const gone = (message: string) => new StatusError(410, 'Expired', message);
export const internal = (message: string) =>
  new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
export const genericNotFound = () => new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});

/** One field problem, as k8s.io/apimachinery's field.Error. */
export interface FieldError {
  type:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueForbidden'
    | 'FieldValueTooLong'
    | 'FieldValueTooMany'
    | 'FieldValueTypeInvalid';
  field: string;
  value?: unknown;
  detail?: string;
  supported?: string[];
}

const renderValue = (v: unknown) => (typeof v === 'string' ? `"${v}"` : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** The message Kubernetes prints for a field error (`Required value`, `Invalid value: "x": detail`...). */
export function fieldErrorMessage(e: FieldError): string {
  switch (e.type) {
    case 'FieldValueRequired':
      return e.detail ? `Required value: ${e.detail}` : 'Required value';
    case 'FieldValueForbidden':
      return e.detail ? `Forbidden: ${e.detail}` : 'Forbidden';
    case 'FieldValueDuplicate':
      return `Duplicate value: ${renderValue(e.value)}`;
    case 'FieldValueTooLong':
      return `Too long: ${e.detail ?? ''}`;
    case 'FieldValueNotSupported': {
      const sup = (e.supported ?? []).map((s) => `"${s}"`).join(', ');
      // A value Go prints with %#v ([]string{"x"}) comes pre-rendered in detail.
      const shown = e.value === undefined && e.detail !== undefined ? e.detail : renderValue(e.value);
      return `Unsupported value: ${shown}${sup ? `: supported values: ${sup}` : ''}`;
    }
    case 'FieldValueTypeInvalid':
      return `Invalid value: ${renderValue(e.value)}: ${e.detail ?? ''}`;
    case 'FieldValueTooMany':
      return `Too many: ${renderValue(e.value)}: ${e.detail ?? ''}`;
    default:
      return e.value === undefined
        ? `Invalid value: ${e.detail ?? ''}`
        : `Invalid value: ${renderValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
  }
}

/** 422 Invalid, with one cause per field error, as kubectl renders `The Pod "x" is invalid: ...`. */
export function invalid(kind: string, group: string, name: string, errs: FieldError[]): StatusError {
  const parts = errs.map((e) => `${e.field}: ${fieldErrorMessage(e)}`);
  const msg = `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`}`;
  // An empty name is left out, as Go's omitempty does for options kinds (`DeleteOptions.meta.k8s.io ""`).
  const details: StatusDetails = {
    ...(name ? { name } : {}),
    kind,
    causes: errs.map((e) => ({ reason: e.type, message: fieldErrorMessage(e), field: e.field })),
  };
  if (group) details.group = group;
  return new StatusError(422, 'Invalid', msg, details);
}
