// What the policy type checker reads of the server: the served resources' kinds (its RESTMapper) and the OpenAPI
// definitions every schema consumer shares (built-in kinds, and CRDs' structural schemas while they are served).
import { definitionNameFor, getDefinitions } from '../../openapi/definitions.js';
import type { Registry } from '../../registry/registry.js';
import type { TypeCheckHost } from './typechecking.js';

export function registryTypeCheckHost(registry: Registry): TypeCheckHost {
  return {
    kindsFor({ group, version, resource }) {
      const d = registry.find(group, version, resource);
      return d ? [{ group: d.group, version: d.version, kind: d.kind }] : [];
    },
    schemaFor(gvk) {
      const name = definitionNameFor(gvk);
      return name ? getDefinitions()[name] : undefined;
    },
    definition: (name) => getDefinitions()[name],
  };
}
