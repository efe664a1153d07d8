// The schema the write path records managedFields with, when no other was given: openapi/definitions.json
// of the repository, found upward from this module (src/ under ts-jest, dist/src/ when built), read lazily.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSchemaLookup, type OpenAPISchema, type SchemaLookup } from '../patch/schema.js';

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

/** Schemas served from data rather than the file (custom resources' openAPIV3Schema), by definition name. */
const added = new Map<string, OpenAPISchema>();

/** Adds (or, with undefined, forgets) the schema of a definition the file does not hold. */
export function setDefinitionSchema(name: string, schema: OpenAPISchema | undefined): void {
  if (schema) added.set(name, schema);
  else added.delete(name);
}

/** The schema a served custom resource's definition has (setDefinitionSchema), if any. */
export const addedDefinitionSchema = (name: string): OpenAPISchema | undefined => added.get(name);

export const defaultSchemaLookup: SchemaLookup = (name) => {
  const own = added.get(name);
  if (own) return own;
  if (!lookup) {
    const file = findDefinitions();
    lookup = file ? loadSchemaLookup(file) : () => undefined;
  }
  return lookup(name);
};
