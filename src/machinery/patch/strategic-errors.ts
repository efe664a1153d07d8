// The errors of apimachinery's strategicpatch/mergepatch packages, with the HTTP status the apiserver
// gives each one (handlers/patch.go interpretStrategicMergePatchError).
import { StatusError, badRequest } from '../api/errors.js';
import { goTypeName, goValue } from './go-format.js';

/** The generic 422 of apierrors.NewGenericServerResponse: the real reason is not sent back. */
export const genericInvalid = () => new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});

/**
 * An error strategicpatch returns as a plain error (no merge key, mixed list types, an unknown $patch...). The
 * apiserver passes those through as a 500 with an empty reason; but they are all caused by the patch document, and a
 * malformed request must never look like a server failure, so dockube answers 422 Invalid with the same message.
 */
export const unknownError = (message: string) => new StatusError(422, 'Invalid', message, {});

export const errBadPatchFormatForPrimitiveList = () => badRequest('invalid patch format of primitive list');
export const errBadPatchFormatForRetainKeys = () => badRequest('invalid patch format of retainKeys');
export const errBadPatchFormatForSetElementOrderList = () => badRequest('invalid patch format of setElementOrder list');
export const errNoListOfLists = () => genericInvalid();

export const errNoMergeKey = (m: unknown, key: string) => unknownError(`map: ${goValue(m)} does not contain declared merge key: ${key}`);
export const errBadArgType = (expected: string, actual: unknown) =>
  unknownError(`expected a ${expected}, but received a ${goTypeName(actual)}`);
export const errBadPatchType = (t: unknown, m: unknown) => unknownError(`unknown patch type: ${goValue(t)} in map: ${goValue(m)}`);
