import { invalid } from '../../src/machinery/api/errors.js';

test('invalid renders the message kubectl prints', () => {
  const e = invalid('Pod', '', 'x', [{ type: 'FieldValueRequired', field: 'spec.containers[0].image' }]);
  expect(e.code).toBe(422);
  expect(e.message).toBe('Pod "x" is invalid: spec.containers[0].image: Required value');
});
