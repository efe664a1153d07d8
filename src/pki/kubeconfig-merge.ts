// Kubeconfig documents as clientcmd merges them: clusters, users and contexts are lists of named entries; ours
// replace the entries of the same name and every other entry stays. Pure functions over parsed documents.
type Named = { name: string } & Record<string, unknown>;
export interface KubeconfigDoc {
  apiVersion?: string;
  kind?: string;
  preferences?: unknown;
  clusters?: Named[];
  users?: Named[];
  contexts?: Named[];
  'current-context'?: string;
  [k: string]: unknown;
}

/** Deep equality regardless of key order (kubectl rewrites a kubeconfig with its own key order). */
const canonical = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(canonical)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
        )
      : v;
const sameJson = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/**
 * Whether `existing` already holds every cluster and user of `ours` unchanged (server URL, CA, credentials) and a
 * context of each name pointing at the same cluster and user: then nothing needs writing, and what a user changed
 * (a context's namespace, the current context, other entries) stays as it is.
 */
export function holdsSameAccess(existing: KubeconfigDoc, ours: KubeconfigDoc): boolean {
  const has = (list: Named[] | undefined, e: Named) =>
    sameJson(
      list?.find((x) => x.name === e.name),
      e,
    );
  const ctx = (c: Named) => c.context as { cluster?: string; user?: string } | undefined;
  return (
    (ours.clusters ?? []).every((c) => has(existing.clusters, c)) &&
    (ours.users ?? []).every((u) => has(existing.users, u)) &&
    (ours.contexts ?? []).every((c) => {
      const e = existing.contexts?.find((x) => x.name === c.name);
      return e !== undefined && ctx(e)?.cluster === ctx(c)?.cluster && ctx(e)?.user === ctx(c)?.user;
    })
  );
}

/**
 * `existing` with our clusters, users and contexts added or replaced by name. A context that pointed at the same
 * cluster and user keeps its other fields (the namespace a user set). The current context becomes ours when
 * `switchContext` or when none is set.
 */
export function mergeKubeconfig(existing: KubeconfigDoc | undefined, ours: KubeconfigDoc, switchContext: boolean): KubeconfigDoc {
  const base = existing ?? {};
  const merge = (theirs: Named[] | undefined, mine: Named[] | undefined, keep?: (old: Named, mine: Named) => Named) => {
    const out = [...(theirs ?? [])];
    for (const m of mine ?? []) {
      const i = out.findIndex((x) => x.name === m.name);
      if (i < 0) out.push(m);
      else out[i] = keep ? keep(out[i]!, m) : m;
    }
    return out;
  };
  const keepNamespace = (old: Named, mine: Named): Named => {
    const o = old.context as Record<string, unknown> | undefined;
    const n = mine.context as Record<string, unknown>;
    return o && o.cluster === n.cluster && o.user === n.user ? { ...mine, context: { ...o, ...n } } : mine;
  };
  const current = base['current-context'];
  return {
    ...base,
    apiVersion: base.apiVersion ?? ours.apiVersion ?? 'v1',
    kind: base.kind ?? ours.kind ?? 'Config',
    preferences: base.preferences ?? ours.preferences ?? {},
    clusters: merge(base.clusters, ours.clusters),
    users: merge(base.users, ours.users),
    contexts: merge(base.contexts, ours.contexts, keepNamespace),
    'current-context': switchContext || !current ? ours['current-context'] : current,
  };
}

/** The document with its names' `from` prefix changed to `to` (a second cluster merged beside the first). */
export function renameKubeconfig(doc: KubeconfigDoc, from: string, to: string): KubeconfigDoc {
  if (from === to) return doc;
  const re = (n: unknown) => (typeof n === 'string' && (n === from || n.startsWith(`${from}-`)) ? to + n.slice(from.length) : n);
  const renamed = (list: Named[] | undefined) => list?.map((e) => ({ ...e, name: re(e.name) as string }));
  return {
    ...doc,
    clusters: renamed(doc.clusters),
    users: renamed(doc.users),
    contexts: doc.contexts?.map((c) => {
      const ctx = c.context as Record<string, unknown>;
      return { ...c, name: re(c.name) as string, context: { ...ctx, cluster: re(ctx.cluster), user: re(ctx.user) } };
    }),
    'current-context': re(doc['current-context']) as string | undefined,
  };
}
