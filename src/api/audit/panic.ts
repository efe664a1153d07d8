// What counts as a panic for the audit log's Panic stage. Go handlers return their errors as values and panic on
// programming errors (a nil dereference, an index out of range); the JavaScript counterparts of those are the
// errors the runtime throws (TypeError, RangeError, ReferenceError, SyntaxError), never a deliberate StatusError or
// Error a handler throws as its answer.
export const isPanic = (err: unknown): err is Error =>
  err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError;

/** upstream's responseStatus of a Panic event. */
export const panicStatus = (err: Error) => ({
  metadata: {},
  status: 'Failure',
  message: `APIServer panic'd: ${err.message}`,
  reason: 'InternalError',
  code: 500,
});
