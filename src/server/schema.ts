// The OpenAPI definitions are read on first use, not at start-up, to keep start-up fast.
import { loadSchemaLookup, type SchemaLookup } from '../machinery/patch/index.js';

export function lazySchemaLookup(path: string): SchemaLookup {
  let lookup: SchemaLookup | undefined;
  return (name: string) => (lookup ??= loadSchemaLookup(path))(name);
}
