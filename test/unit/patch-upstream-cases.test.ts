// Cases from apimachinery strategicpatch patch_test.go (server-side half: current + patch → result).
import { join } from 'node:path';
import { strategicMergePatch } from '../../src/machinery/patch/strategic.js';
import { loadSchemaLookup } from '../../src/machinery/patch/schema.js';

const schema = loadSchemaLookup(join(process.cwd(), 'test/unit/fixtures/patch-definitions.json'));

const cases: [string, unknown, unknown, unknown][] = [
  [
    'add map and delete map from merging list with conflict',
    {
      mergingList: [
        { name: 1, other: 'a' },
        { name: 4, other: 'c' },
      ],
    },
    { '$setElementOrder/mergingList': [{ name: 2 }, { name: 3 }], mergingList: [{ name: 2 }, { name: 3 }, { name: 1, $patch: 'delete' }] },
    { mergingList: [{ name: 4, other: 'c' }, { name: 2 }, { name: 3 }] },
  ],
  [
    'nested patch merge with empty list',
    { name: 'hi', mergingList: [{ name: 'hello2' }] },
    { '$setElementOrder/mergingList': [{ name: 'hello' }, { name: 'doesntexist' }], mergingList: [{ name: 'hello' }] },
    { name: 'hi', mergingList: [{ name: 'hello' }, { name: 'hello2' }] },
  ],
  [
    'add an item in a list and preserve order',
    {
      mergingList: [
        { name: 1, other: 'a' },
        { name: 2, value: 2, other: 'b' },
      ],
    },
    { '$setElementOrder/mergingList': [{ name: 3 }, { name: 1 }, { name: 2 }], mergingList: [{ name: 3, value: 3 }] },
    {
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, other: 'a' },
        { name: 2, value: 2, other: 'b' },
      ],
    },
  ],
  [
    'delete and reorder in one list, reorder in another',
    {
      mergingList: [
        { name: 'a', value: 'a' },
        { name: 'b', value: 'b' },
      ],
      mergeItemPtr: [
        { name: 'c', value: 'c' },
        { name: 'd', value: 'd' },
      ],
    },
    {
      '$setElementOrder/mergingList': [{ name: 'b' }],
      '$setElementOrder/mergeItemPtr': [{ name: 'd' }, { name: 'c' }],
      mergingList: [{ $patch: 'delete', name: 'a' }],
    },
    {
      mergingList: [{ name: 'b', value: 'b' }],
      mergeItemPtr: [
        { name: 'd', value: 'd' },
        { name: 'c', value: 'c' },
      ],
    },
  ],
  [
    'delete and reorder a merging int list',
    { mergingIntList: [1, 2, 3] },
    { '$setElementOrder/mergingIntList': [2, 1], '$deleteFromPrimitiveList/mergingIntList': [3] },
    { mergingIntList: [2, 1] },
  ],
  [
    'delete items in lists of scalars, keeping server-only items',
    { mergingIntList: [1, 2, 3, 4] },
    { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
    { mergingIntList: [1, 2, 4] },
  ],
  [
    '$setElementOrder contains item that is not present in the list to be merged',
    { mergingList: [{ name: 1 }, { name: 3 }] },
    {
      '$setElementOrder/mergingList': [{ name: 3 }, { name: 2 }, { name: 1 }],
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, value: 1 },
      ],
    },
    {
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, value: 1 },
      ],
    },
  ],
  [
    '$setElementOrder contains item that is not present in the int list to be merged',
    { mergingIntList: [1, 3] },
    { '$setElementOrder/mergingIntList': [3, 2, 1] },
    { mergingIntList: [3, 1] },
  ],
  [
    'server-only items stay after the patched ones',
    { name: 'my-object', mergingList: [{ name: 1 }, { name: 3 }] },
    { '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }], mergingList: [{ name: 2 }] },
    { name: 'my-object', mergingList: [{ name: 1 }, { name: 2 }, { name: 3 }] },
  ],
  [
    'preserve the order from the patch in a merging int list',
    { mergingIntList: [1, 2, 3] },
    { mergingIntList: [3, 1] },
    { mergingIntList: [2, 3, 1] },
  ],
  [
    'behavior of set element order for a merging list with duplicate',
    { mergingList: [{ name: 1 }, { name: 2, value: 'dup1' }, { name: 3 }, { name: 2, value: 'dup2' }, { name: 4 }] },
    { '$setElementOrder/mergingList': [{ name: 2 }, { name: 1 }, { name: 4 }, { name: 3 }, { name: 2 }] },
    { mergingList: [{ name: 2, value: 'dup1' }, { name: 2, value: 'dup2' }, { name: 1 }, { name: 4 }, { name: 3 }] },
  ],
];

test.each(cases)('%s', (_d, current, patch, result) => {
  expect(strategicMergePatch(current, patch, schema, 'test.MergeItem')).toEqual(result);
});
