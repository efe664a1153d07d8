// The OpenAPI definitions are read on first use, not at start-up, to keep start-up fast.
import { loadSchemaLookup, type SchemaLookup } from '../machinery/patch/index.js';
import { addedDefinitionSchema } from '../machinery/apply/default-schema.js';

/** The file's definitions, and those of the custom resources served meanwhile. */
export function lazySchemaLookup(path: string): SchemaLookup {
  let lookup: SchemaLookup | undefined;
  return (name: string) => addedDefinitionSchema(name) ?? (lookup ??= loadSchemaLookup(path))(name);
}
