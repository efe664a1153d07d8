// Lists of frozen (cached) objects are written by splicing each object's remembered JSON: the bytes must be exactly
// JSON.stringify's, whatever the list's members.
import { bodyJson as bodyJsonOf, frozenJson } from '../../src/api/json-body.js';

const bodyJson = (b: unknown) => bodyJsonOf(b).toString();
const objectJson = (o: object) => (Object.isFrozen(o) ? frozenJson(o).toString() : JSON.stringify(o));
import { deepFreeze } from '../../src/storage/cacher/frozen.js';

const item = (n: number) =>
  deepFreeze({
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: { name: `c${n}`, labels: { '"q"': 'é\u2028' } },
    data: { v: 'x'.repeat(n) },
  });

test('a list of frozen items is byte for byte JSON.stringify, undefined members left out', () => {
  const list = {
    kind: 'ConfigMapList',
    apiVersion: 'v1',
    metadata: { resourceVersion: '7', continue: undefined },
    items: [item(1), item(2), item(3)],
    extra: undefined,
  };
  expect(bodyJson(list)).toBe(JSON.stringify(list));
  const empty = { kind: 'ConfigMapList', apiVersion: 'v1', metadata: {}, items: [] };
  expect(bodyJson(empty)).toBe(JSON.stringify(empty));
  const itemsFirst = { items: [item(1)], kind: 'List', skipped: undefined, metadata: { n: 'é' } };
  expect(bodyJson(itemsFirst)).toBe(JSON.stringify(itemsFirst));
  const multibyte = deepFreeze({ metadata: { name: 'ü' }, data: { s: '\u{1F600}\u2028' } });
  expect(bodyJson({ items: [multibyte] })).toBe(JSON.stringify({ items: [multibyte] }));
});

test("a frozen object's JSON is remembered; unfrozen ones and mixed lists are serialized as they are", () => {
  const o = item(4);
  expect(objectJson(o)).toBe(JSON.stringify(o));
  const loose = { metadata: { name: 'x' }, n: 1 };
  expect(bodyJson(loose)).toBe(JSON.stringify(loose));
  loose.n = 2;
  expect(bodyJson(loose)).toContain('"n":2'); // not remembered: it may change
  const mixed = { kind: 'List', items: [item(1), loose] };
  expect(bodyJson(mixed)).toBe(JSON.stringify(mixed));
  expect(bodyJson('text')).toBe('"text"');
  expect(bodyJson(null)).toBe('null');
});

test('long strings are written from the object, not kept twice, and the bytes are still JSON.stringify', () => {
  const long = 'x'.repeat(300);
  const o = deepFreeze({
    metadata: { name: 'big', annotations: { [long]: long } }, // the same characters as a key first, then as a value
    data: { a: long, b: 'é'.repeat(300), c: `"${'q'.repeat(300)}"\n`, d: '\u{1F600}'.repeat(200), e: 'short' },
    list: [long, 'y'.repeat(256), 'z'.repeat(255)],
  });
  expect(objectJson(o)).toBe(JSON.stringify(o));
  expect(bodyJson(o)).toBe(JSON.stringify(o));
  const list = { kind: 'List', items: [o, item(1), o] };
  expect(bodyJson(list)).toBe(JSON.stringify(list));
  expect(Buffer.byteLength(bodyJson(list))).toBe(Buffer.byteLength(JSON.stringify(list)));
});

test('the same list asked again is the same bytes; any change of its members or items builds it anew', () => {
  const items = [item(5), item(6), item(7)];
  const list = (rv: string, its: object[]) => ({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: rv }, items: its });
  const first = bodyJsonOf(list('9', items));
  expect(bodyJsonOf(list('9', [...items]))).toBe(first); // reused: the same cached objects, in the same order
  const cases = [
    list('10', items),
    list('9', [items[0]!, items[2]!, items[1]!]),
    list('9', items.slice(1)),
    list('9', [...items.slice(0, 2), item(7)]),
  ];
  for (const changed of cases) {
    const out = bodyJsonOf(changed);
    expect(out).not.toBe(first);
    expect(out.toString()).toBe(JSON.stringify(changed));
  }
  expect(first.toString()).toBe(JSON.stringify(list('9', items)));
});
