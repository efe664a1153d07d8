// admission.NewForbidden: `<resource>.<group> "<name>" is forbidden: <why>` (403), as every admission plugin refuses.
import { forbidden, type StatusError } from '../machinery/api/errors.js';

export function admissionForbidden(group: string, resource: string, name: string, why: string): StatusError {
  const gr = group ? `${resource}.${group}` : resource;
  return forbidden(`${gr} "${name}" is forbidden: ${why}`, { name, kind: resource, ...(group ? { group } : {}) });
}
