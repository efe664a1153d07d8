// The schema the write path records managedFields with, when no other was given: openapi/definitions.json
// of the repository, found upward from this module (src/ under ts-jest, dist/src/ when built), read lazily.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSchemaLookup, type SchemaLookup } from '../patch/schema.js';

function findDefinitions(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'openapi', 'definitions.json');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

let lookup: SchemaLookup | undefined;

export const defaultSchemaLookup: SchemaLookup = (name) => {
  if (!lookup) {
    const file = findDefinitions();
    lookup = file ? loadSchemaLookup(file) : () => undefined;
  }
  return lookup(name);
};
