// fast-json-patch's own validation, less one cost: for every `move` and `copy` it checks that `from` exists by
// applying a `_get` to a deep clone of the whole document, so each such operation cost the document's size (1,000
// moves in a 1.5 MB object took 42 s of the one event loop). `_get` changes nothing, so it runs here on the document
// itself; everything else is the library's validator, called as applyOperation calls it with `true`.
import fastJsonPatch from 'fast-json-patch';
import type { Operation, Validator } from 'fast-json-patch';

/** A validator for one applyOperation call (it tells the shape check applyOperation makes first from the later ones). */
export function validatorWithoutClones(): Validator<unknown> {
  let first = true;
  return (operation: Operation, index: number, document: unknown, existingPathFragment: string) => {
    if (first) {
      // with `true`, applyOperation's first check is the shape alone, without the document
      first = false;
      fastJsonPatch.validator(operation, 0);
      return;
    }
    if (operation.op !== 'move' && operation.op !== 'copy')
      return fastJsonPatch.validator(operation, index, document, existingPathFragment);
    fastJsonPatch.validator(operation, index);
    // RFC 6902 4.4: a move's from is never a proper prefix of its path (kube-apiserver's json-patch cannot find it
    // once moved); fast-json-patch would move the root into itself, an object no walk over it survives
    if (operation.op === 'move' && (operation.from === '' ? operation.path !== '' : operation.path.startsWith(`${operation.from}/`))) {
      throw new fastJsonPatch.JsonPatchError(
        'Cannot move a value into itself',
        'OPERATION_PATH_ILLEGAL_ARRAY_INDEX',
        index,
        operation,
        document,
      );
    }
    try {
      fastJsonPatch.applyOperation(document, { op: '_get', path: operation.from, value: undefined }, true, true, true, 0);
    } catch (e) {
      // the library's validate() reports only this failure of the `_get`, and rethrows what is not a patch error
      if (!(e instanceof fastJsonPatch.JsonPatchError)) throw e;
      if (e.name === 'OPERATION_PATH_UNRESOLVABLE') {
        throw new fastJsonPatch.JsonPatchError(
          'Cannot perform the operation from a path that does not exist',
          'OPERATION_FROM_UNRESOLVABLE',
          index,
          operation,
          document,
        );
      }
    }
  };
}
