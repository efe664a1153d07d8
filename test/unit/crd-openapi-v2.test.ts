// A custom resource's schema in /openapi/v2's form (apiextensions-apiserver's ToStructuralOpenAPIV2 rules).
import { bareInV2, toOpenApiV2 } from '../../src/apiextensions/openapi-v2.js';

test('nullable values lose their type and shape, and are no longer required', () => {
  const v2 = toOpenApiV2({
    type: 'object',
    required: ['a', 'b'],
    properties: {
      a: { type: 'object', nullable: true, properties: { x: { type: 'string' } } },
      b: { type: 'string' },
    },
  });
  expect(v2).toEqual({ type: 'object', required: ['b'], properties: { a: {}, b: { type: 'string' } } });
});

test('kept unknown fields drop properties and items; an array left without items is untyped; junctors go', () => {
  const v2 = toOpenApiV2({
    type: 'object',
    properties: {
      spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { d: { type: 'object' } } },
      list: { type: 'array', 'x-kubernetes-preserve-unknown-fields': true, items: { type: 'string' } },
      choice: { type: 'string', anyOf: [{ enum: ['a'] }], oneOf: [{ enum: ['b'] }] },
    },
  });
  expect(v2.properties).toEqual({
    spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    list: { 'x-kubernetes-preserve-unknown-fields': true },
    choice: { type: 'string' },
  });
});

test('the original is left alone; a schema keeping unknown fields at its root (or none) is published bare', () => {
  const schema = { type: 'object', properties: { a: { type: 'string', nullable: true } } };
  toOpenApiV2(schema);
  expect(schema.properties.a).toEqual({ type: 'string', nullable: true });
  expect(bareInV2(undefined)).toBe(true);
  expect(bareInV2({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true })).toBe(true);
  expect(bareInV2({ type: 'object' })).toBe(false);
});
