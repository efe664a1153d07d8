// Server-side apply and managedFields (the apiserver's fieldmanager), for the write path.
export { applyServerSide, type ApplyInput } from './apply.js';
export { recordUpdate, type UpdateInput } from './update.js';
export { managerFromUserAgent } from './managed-fields.js';
export { FieldSet, toFieldsV1, fromFieldsV1, pathString } from './field-set.js';
export { conflictError, printManager } from './conflict.js';
