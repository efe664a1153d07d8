// The errors of apimachinery's strategicpatch/mergepatch packages, with the HTTP status the apiserver
// gives each one (handlers/patch.go interpretStrategicMergePatchError).
import { StatusError, badRequest } from '../../api/errors.js';
import { goTypeName, goValue } from './go-format.js';

/** The generic 422 of apierrors.NewGenericServerResponse: the real reason is not sent back. */
export const genericInvalid = () =>
  new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});

/** An error that is not a Status becomes a 500 with an empty (Unknown) reason. */
export const unknownError = (message: string) => new StatusError(500, '', message);

export const errBadPatchFormatForPrimitiveList = () => badRequest('invalid patch format of primitive list');
export const errBadPatchFormatForRetainKeys = () => badRequest('invalid patch format of retainKeys');
export const errBadPatchFormatForSetElementOrderList = () => badRequest('invalid patch format of setElementOrder list');
export const errNoListOfLists = () => genericInvalid();

export const errNoMergeKey = (m: unknown, key: string) =>
  unknownError(`map: ${goValue(m)} does not contain declared merge key: ${key}`);
export const errBadArgType = (expected: string, actual: unknown) =>
  unknownError(`expected a ${expected}, but received a ${goTypeName(actual)}`);
export const errBadPatchType = (t: unknown, m: unknown) =>
  unknownError(`unknown patch type: ${goValue(t)} in map: ${goValue(m)}`);
