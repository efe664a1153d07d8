// What the naming and establishing controllers decide for a CRD (apiextensions-apiserver's status/naming_controller.go
// and establish/establishing_controller.go), as a pure function of it and the other CRDs of its group.
import type { Crd, CrdCondition, CrdNames } from './types.js';

export interface NamingDecision {
  acceptedNames: CrdNames;
  namesAccepted: CrdCondition;
  established: CrdCondition;
}

const used = (n: CrdNames | undefined) => ({
  plurals: new Set([n?.plural, n?.singular].filter((x): x is string => !!x)),
  shortNames: new Set(n?.shortNames ?? []),
  kinds: new Set([n?.kind, n?.listKind].filter((x): x is string => !!x)),
});

/** The first name of `crd` another CRD of its group already holds (their accepted names), with its reason. */
function conflict(crd: Crd, others: Crd[]): { reason: string; message: string } | undefined {
  const names = crd.spec.names;
  const taken = others
    .filter((o) => o.metadata.name !== crd.metadata.name && o.spec?.group === crd.spec.group)
    .map((o) => used(o.status?.acceptedNames));
  const holds = (pick: (u: ReturnType<typeof used>) => Set<string>, v: string | undefined) => !!v && taken.some((u) => pick(u).has(v));
  for (const v of [names.plural, names.singular])
    if (holds((u) => u.plurals, v)) return { reason: 'PluralConflict', message: `"${v}" is already in use` };
  for (const v of names.shortNames ?? [])
    if (holds((u) => u.shortNames, v)) return { reason: 'ShortNamesConflict', message: `"${v}" is already in use` };
  if (holds((u) => u.kinds, names.kind)) return { reason: 'KindConflict', message: `"${names.kind}" is already in use` };
  if (holds((u) => u.kinds, names.listKind)) return { reason: 'ListKindConflict', message: `"${names.listKind}" is already in use` };
  return undefined;
}

export function decideNames(crd: Crd, others: Crd[]): NamingDecision {
  const c = conflict(crd, others);
  const wasEstablished = crd.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True');
  if (c) {
    return {
      acceptedNames: crd.status?.acceptedNames ?? { plural: '', kind: '' },
      namesAccepted: { type: 'NamesAccepted', status: 'False', ...c },
      established: wasEstablished
        ? crd.status!.conditions!.find((x) => x.type === 'Established')!
        : { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' },
    };
  }
  return {
    acceptedNames: structuredClone(crd.spec.names),
    namesAccepted: { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
    established: wasEstablished
      ? crd.status!.conditions!.find((x) => x.type === 'Established')!
      : { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
  };
}
