// What server-side apply needs to know about each field: is it a struct field or a map key, is its
// value atomic, and how a list's elements are identified (structured-merge-diff's schema.TypeRef).
// List semantics come from MERGE_KEYS (the +listType/+listMapKey markers) and the OpenAPI extensions.
import { MERGE_KEYS } from '../patch/merge-keys.js';
import type { ListSemantics } from '../patch/merge-keys.js';
import { contextFor, fieldPatchMeta, type OpenAPISchema, type SchemaLookup, type TypeContext } from '../patch/schema.js';
import { ownValue } from '../own-keys.js';

export type ListType = 'map' | 'set' | 'atomic';

/** Where a value sits: its definition context and, for lists, how elements are identified. */
export interface FieldType {
  ctx: TypeContext;
  /** A struct field declared by the schema (a "named field"), rather than a map key. */
  named: boolean;
  /** The whole value is owned as one (x-kubernetes-map-type: atomic, +structType=atomic). */
  atomicMap: boolean;
  list: { type: ListType; keys: string[] };
}

const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const core = 'io.k8s.api.core.v1.';
/** Structs marked +structType=atomic in k8s.io/api and apimachinery. */
const ATOMIC_STRUCTS = new Set([
  `${meta}LabelSelector`,
  `${core}LocalObjectReference`,
  `${core}ObjectReference`,
  `${core}TypedLocalObjectReference`,
  `${core}NodeSelector`,
  `${core}ConfigMapKeySelector`,
  `${core}SecretKeySelector`,
  `${core}ObjectFieldSelector`,
  `${core}ResourceFieldSelector`,
]);

/** Map keys that have a schema default, used when an applied list element omits them (ports' protocol). */
const KEY_DEFAULTS: Record<string, unknown> = { protocol: 'TCP' };

export class TypeResolver {
  // One apply walks the same types many times (every container of a pod): each is resolved once per resolver.
  // Resolvers live for one request, so map keys from the objects never pile up here.
  private children = new WeakMap<FieldType, Map<string, FieldType>>();
  private elements = new WeakMap<FieldType, FieldType>();

  constructor(private lookup: SchemaLookup) {}

  root(definition: string | undefined): FieldType {
    const ctx = contextFor(definition, this.lookup);
    return { ctx, named: true, atomicMap: this.isAtomic(ctx), list: { type: 'atomic', keys: [] } };
  }

  /** The type of `parent[field]`. Without schema information a map is granular and a list atomic. */
  child(parent: FieldType, field: string): FieldType {
    let known = this.children.get(parent);
    if (!known) this.children.set(parent, (known = new Map()));
    let t = known.get(field);
    if (!t) known.set(field, (t = this.resolveChild(parent, field)));
    return t;
  }

  private resolveChild(parent: FieldType, field: string): FieldType {
    const pctx = parent.ctx;
    const props = pctx.schema?.properties;
    const declared = !!props && Object.prototype.hasOwnProperty.call(props, field);
    // A known definition without a schema body is still a struct; a schema-less object is a plain map.
    const named = declared || (!!pctx.def && !pctx.schema);
    const pm = fieldPatchMeta(pctx, field, this.lookup);
    const ctx = pm.type;
    return { ctx, named, atomicMap: this.isAtomic(ctx), list: this.listOf(pctx, field) };
  }

  /** The type of the elements of a list whose field type is `t`: the element schema, always a struct/map. */
  element(t: FieldType): FieldType {
    let e = this.elements.get(t);
    if (!e) this.elements.set(t, (e = { ctx: t.ctx, named: false, atomicMap: this.isAtomic(t.ctx), list: { type: 'atomic', keys: [] } }));
    return e;
  }

  private isAtomic(ctx: TypeContext): boolean {
    if (ctx.def && ATOMIC_STRUCTS.has(ctx.def)) return true;
    return ctx.schema?.['x-kubernetes-map-type'] === 'atomic';
  }

  private listOf(pctx: TypeContext, field: string): { type: ListType; keys: string[] } {
    return listSemantics(pctx.def, pctx.schema, field);
  }
}

/**
 * How the list `field` of a struct (definition `def`, schema `schema`) identifies its elements: MERGE_KEYS (the
 * +listType/+listMapKey markers) first, then the OpenAPI extensions; atomic when neither says.
 */
export function listSemantics(
  def: string | undefined,
  schema: OpenAPISchema | undefined,
  field: string,
): { type: ListType; keys: string[] } {
  const sem = def ? ownValue<ListSemantics>(ownValue(MERGE_KEYS, def), field) : undefined;
  if (sem) {
    if (sem.listType === 'map') return { type: 'map', keys: sem.listMapKeys ?? (sem.key ? [sem.key] : []) };
    if (sem.listType) return { type: sem.listType, keys: [] };
    if (sem.strategy?.includes('merge')) return sem.key ? { type: 'map', keys: [sem.key] } : { type: 'set', keys: [] };
  }
  const prop = ownValue<OpenAPISchema>(schema?.properties, field);
  if (prop) {
    const lt = prop['x-kubernetes-list-type'];
    const mk = prop['x-kubernetes-list-map-keys'];
    if (lt === 'map' && Array.isArray(mk)) return { type: 'map', keys: mk as string[] };
    if (lt === 'set' || lt === 'atomic') return { type: lt, keys: [] };
    const key = prop['x-kubernetes-patch-merge-key'];
    const strategy = String(prop['x-kubernetes-patch-strategy'] ?? '');
    if (strategy.includes('merge')) return typeof key === 'string' ? { type: 'map', keys: [key] } : { type: 'set', keys: [] };
  }
  return { type: 'atomic', keys: [] };
}

/** The key fields of an element of an associative list, with schema defaults for omitted keys. */
export function listKeyFields(item: unknown, keys: string[]): Record<string, unknown> | undefined {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const o = item as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = ownValue(o, k);
    if (v !== undefined && v !== null) out[k] = v;
    else if (Object.hasOwn(KEY_DEFAULTS, k)) out[k] = KEY_DEFAULTS[k];
  }
  return Object.keys(out).length ? out : undefined;
}
