// A resource is described once; discovery, OpenAPI, routing, CRUD, watch, patch and tables are generic over it.
import type { FieldError } from '../machinery/api/errors.js';
import type { KObject } from '../machinery/api/meta.js';
import type { UserInfo } from '../machinery/api/user.js';
import type { ResourceService, WriteContext } from './service.js';
import type { Authorizer } from '../authorization/types.js';

// The object vocabulary lives in the machinery layer; re-exported for the registry's users.
export type { KObject, ObjectMeta, OwnerReference, ManagedFieldsEntry } from '../machinery/api/meta.js';
export type { UserInfo } from '../machinery/api/user.js';

/** A column of a server-side Table (meta.k8s.io/v1 TableColumnDefinition). */
export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  /** 0 shows by default; 1 only with -o wide. */
  priority?: number;
}

export interface TableDef {
  columns: TableColumn[];
  /** Cells in column order; `now` makes AGE columns testable. */
  cells(obj: KObject, now: Date): unknown[];
}

/** Everything that differs between kinds on the write path (the apiserver's "strategy"). */
export interface Strategy {
  /** Set Kubernetes' defaults (mutates). Runs on create and update, before validation. */
  defaults?(obj: KObject): void;
  /** Reset fields a create may not set (e.g. status) before defaulting. */
  prepareForCreate?(obj: KObject): void;
  /** Carry over what an update of the main resource may not change. */
  prepareForUpdate?(obj: KObject, old: KObject): void;
  validate?(obj: KObject): FieldError[];
  /** What only a create may not hold (ValidatePodCreate's rules); runs after validate on creates. */
  validateCreate?(obj: KObject): FieldError[];
  /** Immutable fields and transitions; runs after validate on updates. */
  validateUpdate?(obj: KObject, old: KObject): FieldError[];
  /** Warnings returned as `Warning` headers. */
  warnings?(obj: KObject): string[];
  /** metadata.generation is set on create and moves when these top-level fields change. Unset = no generation. */
  generationFields?: string[];
  /** A subresource write keeps the request's labels and annotations (upstream status strategies that leave metadata alone). */
  keepsRequestLabels?: boolean;
}

export interface ScaleSubresource {
  /** Path (dot-separated) of the desired replica count, e.g. spec.replicas. */
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
  /** The selector at labelSelectorPath is a plain label map (ReplicationController), not a metav1.LabelSelector. */
  labelSelectorIsMap?: boolean;
}

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/**
 * Conversion between a resource's served version and its storage version done elsewhere (apiextensions-apiserver's
 * webhook converter): objects already in the wanted version are passed through untouched.
 */
export interface StorageConverter {
  /** Stored objects in the served version, in order; `list` when they answer a list (converted in one call, as upstream). */
  toServed(objs: readonly KObject[], list: boolean): Promise<KObject[]>;
  /** A served-version object in the storage version. */
  toStored(obj: KObject): Promise<KObject>;
}

export interface ResourceDef {
  group: string; // '' for core
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: Verb[]; // default: all eight
  /** The object has a status that only the /status subresource changes. */
  statusSubresource?: boolean;
  /**
   * What of metadata a /status write may not change (upstream's status GetResetFields under metadata); the request's
   * other labels and annotations are kept. None by default; Deployments reset labels, CRDs and custom resources both
   * (ResetObjectMetaForStatus).
   */
  statusResetsMetadata?: readonly ('labels' | 'annotations')[];
  scale?: ScaleSubresource;
  /**
   * Objects kept in another resource's storage (events.k8s.io/v1 Events are core/v1 Events, as in Kubernetes),
   * converted on every read and write.
   */
  storage?: {
    group: string;
    plural: string;
    toStorage(obj: KObject): KObject;
    fromStorage(obj: KObject): KObject;
    /** A conversion that needs a call out (a CRD's conversion webhook): run before fromStorage and before toStorage. */
    converter?: StorageConverter;
  };
  /** Subresources written through their own strategy (namespaces/finalize), served by the generic update path. */
  subresourceStrategies?: Record<string, Strategy>;
  /** Subresources beyond status and scale (binding, eviction, token, log, exec...): discovery, OpenAPI and how each is served. */
  extraSubresources?: SubresourceDef[];
  strategy: Strategy;
  table?: TableDef;
  /** Field selectors beyond metadata.name / metadata.namespace: path → value getter. */
  fieldSelectors?: Record<string, (obj: KObject) => string | undefined>;
  /** Name of the message in our protobuf wire schema when this kind may arrive as protobuf. */
  protobufType?: string;
  /** The warning every request to this resource gets, for a deprecated API (core/v1 Endpoints since 1.33). */
  deprecationWarning?: string;
  /** Delete answers with the deleted object (pods, namespaces) rather than a Success Status. */
  returnDeletedObject?: boolean;
  /**
   * Writes that need the store (ClusterIP allocation, ...): run after validation, before the write. What it reserved
   * in memory is given back through the transaction it returns: revert when the write fails or is a dry run, commit
   * once it is stored (upstream's alloc.go transaction).
   */
  admit?: (obj: KObject, old: KObject | undefined, ctx: AdmitContext) => Promise<AdmitTransaction | void> | AdmitTransaction | void;
  /** After the object left the store (its ClusterIP and NodePorts go back to their pools); `owner` as AdmitContext's. */
  afterDelete?: (obj: KObject, owner: object) => void;
  /** Delete admission: throws to refuse deleting the object of that name (namespace lifecycle's immortal namespaces). */
  admitDelete?: (name: string) => void;
  /** Delete admission that needs the stored object and the caller (NodeRestriction): throws to refuse. */
  admitDeleteObject?: (obj: KObject, user: UserInfo | undefined) => void;
  /** Deletion waits for a controller (namespaces' spec.finalizers): mark the object instead of removing it. */
  beginDeletion?: (obj: KObject, now: string) => boolean;
  /**
   * Graceful deletion (the apiserver's CheckGracefulDelete): the grace period in seconds this object gets, given the
   * one the request asked for; undefined = the kind does not delete gracefully. 0 deletes at once.
   */
  gracefulDeletion?: (obj: KObject, requestedSeconds: number | undefined) => number | undefined;
  /** What DELETE does with dependents when the request names no policy (default DeleteDependents = Background). */
  garbageCollectionPolicy?: GarbageCollectionPolicy;
  /** Create-only resources such as SelfSubjectAccessReview: not stored, answered by this hook. */
  virtualCreate?: (obj: KObject, user: UserInfo, env: VirtualCreateContext) => KObject | Promise<KObject>;
  /** Read-only resources computed on every read and never stored (metrics.k8s.io): get/list answered here, no watch. */
  virtualRead?: VirtualRead;
}

/**
 * A subresource with its own body kind (the apiserver's rest.NamedCreater and rest.Connecter storages): the generic
 * HTTP path serves it from this description, and in-process callers can call `create` directly.
 */
export interface SubresourceDef {
  name: string;
  /** The body's kind (discovery's and OpenAPI's), in `group`/`version` (default: the resource's). */
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
  /** apiVersions a body may name, the first the expected one (policy/v1 and v1beta1 Evictions); unset = not checked. */
  bodyVersions?: string[];
  /** rest.NamedCreater: POST .../NAME/SUBRESOURCE with a decoded body; what it returns is answered with 201. */
  create?: (ctx: SubresourceContext, namespace: string | undefined, name: string, body: KObject) => Promise<KObject>;
  /** rest.Connecter: a stream (logs) or a WebSocket session (`upgrade`: exec, attach; a plain request is a 400). */
  connect?: { methods: ('GET' | 'POST')[]; upgrade?: boolean };
}

/** What a subresource's create works with. */
export interface SubresourceContext {
  /** The resource the subresource belongs to. */
  def: ResourceDef;
  /** The generic REST logic, for the writes the subresource makes. */
  service: ResourceService;
  /** The caller, dry run and the warnings to send back. */
  write: WriteContext;
  /** The request's dryRun values as given (an Eviction's deleteOptions must agree with them). */
  dryRun: string[];
}

/** What a review (a virtual create) may ask: the server's authorizer, and its token authenticators (TokenReview). */
export interface VirtualCreateContext {
  authorizer: Authorizer;
  reviewToken?: TokenReviewer;
  /** The generic REST logic and the request's write context, for creates that write other objects (bindings). */
  service?: ResourceService;
  write?: WriteContext;
}

/** What the server's authenticators say of a bearer token, for the audiences asked (TokenReview's status). */
export interface TokenReviewResult {
  user?: UserInfo;
  audiences?: string[];
  error?: string;
}
/** Authenticates a bearer token as a request carrying it would be; empty `audiences` means the API's own. */
export type TokenReviewer = (token: string, audiences: string[]) => Promise<TokenReviewResult>;

/** What a virtual read may look at: stored objects of other resources. */
export interface VirtualReadContext {
  list(group: string, plural: string, namespace?: string): Promise<KObject[]>;
  get(group: string, plural: string, namespace: string | undefined, name: string): Promise<KObject | undefined>;
}

export interface VirtualRead {
  /** Every object in the namespace (all namespaces when undefined); the generic path applies the selectors. */
  list(namespace: string | undefined, ctx: VirtualReadContext): Promise<KObject[]>;
  /** One object; undefined gives the generic NotFound, and the hook may throw a more specific StatusError. */
  get(namespace: string | undefined, name: string, ctx: VirtualReadContext): Promise<KObject | undefined>;
}

/** rest.GarbageCollectionPolicy: Unsupported kinds never get the orphan/foregroundDeletion finalizers. */
export type GarbageCollectionPolicy = 'DeleteDependents' | 'OrphanDependents' | 'Unsupported';

export interface AdmitContext {
  /** The store's front (one per store): state an admission keeps in memory (allocation maps) is kept per owner. */
  owner?: object;
  /** Objects of another resource, for allocators that must see what is taken. */
  list(group: string, plural: string): Promise<KObject[]>;
  dryRun: boolean;
  /** One namespace, for admission that depends on its labels (PodSecurity). */
  getNamespace?(name: string): Promise<KObject | undefined>;
  /** The request's warnings (sent back as `Warning` headers); admission may add to them. */
  warnings?: string[];
  /** The subresource being written ('status', 'scale'...), undefined for the main resource. */
  subresource?: string;
  /** Who writes, and the server's authorizer (RBAC's escalation checks ask what the writer may do). */
  user?: UserInfo;
  authorizer?: Authorizer;
}

/** What an admission reserved, kept or given back once the write is known. */
export interface AdmitTransaction {
  commit(): void;
  revert(): void;
}

export const ALL_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
export const apiVersionOf = (d: { group: string; version: string }) => (d.group ? `${d.group}/${d.version}` : d.version);
