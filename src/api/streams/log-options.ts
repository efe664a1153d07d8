// PodLogOptions from the query string, validated as the apiserver validates them (ValidatePodLogOptions).
import type { Request } from 'express';
import { badRequest, invalid, type FieldError } from '../../machinery/api/errors.js';
import { queryBool, queryInt, queryString } from '../context.js';

export interface LogOptions {
  container?: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
  sinceSeconds?: number;
  /** Parsed sinceTime. */
  sinceTime?: Date;
}

/** RFC 3339 with optional fractional seconds and a zone (what metav1.Time accepts in a query). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function parseLogOptions(req: Request, podName: string): LogOptions {
  const sinceTimeRaw = queryString(req, 'sinceTime');
  let sinceTime: Date | undefined;
  if (sinceTimeRaw) {
    sinceTime = RFC3339.test(sinceTimeRaw) ? new Date(sinceTimeRaw) : undefined;
    if (!sinceTime || Number.isNaN(sinceTime.getTime())) {
      throw badRequest(`parsing time "${sinceTimeRaw}" as "2006-01-02T15:04:05Z07:00": cannot parse "${sinceTimeRaw}" as "2006"`);
    }
  }
  const opts: LogOptions = {
    container: queryString(req, 'container') || undefined,
    follow: queryBool(req, 'follow'),
    previous: queryBool(req, 'previous'),
    timestamps: queryBool(req, 'timestamps'),
    tailLines: queryInt(req, 'tailLines'),
    limitBytes: queryInt(req, 'limitBytes'),
    sinceSeconds: queryInt(req, 'sinceSeconds'),
    sinceTime,
  };
  const errs: FieldError[] = [];
  if (opts.tailLines !== undefined && opts.tailLines < 0)
    errs.push({ type: 'FieldValueInvalid', field: 'tailLines', value: opts.tailLines, detail: 'must be greater than or equal to 0' });
  if (opts.limitBytes !== undefined && opts.limitBytes < 1)
    errs.push({ type: 'FieldValueInvalid', field: 'limitBytes', value: opts.limitBytes, detail: 'must be greater than 0' });
  if (opts.sinceSeconds !== undefined && opts.sinceTime)
    errs.push({ type: 'FieldValueForbidden', field: '', detail: 'at most one of `sinceTime` or `sinceSeconds` may be specified' });
  if (opts.sinceSeconds !== undefined && opts.sinceSeconds < 1)
    errs.push({ type: 'FieldValueInvalid', field: 'sinceSeconds', value: opts.sinceSeconds, detail: 'must be greater than 0' });
  if (errs.length) throw invalid('PodLogOptions', '', podName, errs);
  return opts;
}
