// ControllerRevisions (apps), as kubectl's printControllerRevision: NAME CONTROLLER REVISION AGE, the controller
// spelled `<kind>.<group>/<name>` in lower case (formatResourceName with its kind), `<none>` for an orphan.
import type { TableDef } from '../types.js';
import { ageColumn, ageOf, column, nameColumn, nameOf, num } from './columns.js';

export const controllerRevisionsTable: TableDef = {
  columns: [
    nameColumn(),
    column('Controller', 'string', 'Controller of the object'),
    column('Revision', 'number', 'Revision indicates the revision of the state represented by Data.'),
    ageColumn(),
  ],
  cells: (r, now) => {
    const ref = (r.metadata.ownerReferences ?? []).find((o) => o.controller === true);
    let controller = '<none>';
    if (ref) {
      const slash = (ref.apiVersion ?? '').indexOf('/');
      const group = slash >= 0 ? ref.apiVersion.slice(0, slash) : '';
      controller = `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
    }
    return [nameOf(r), controller, num((r as { revision?: unknown }).revision), ageOf(r, now)];
  },
};
