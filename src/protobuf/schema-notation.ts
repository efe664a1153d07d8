// Notation shared by the wire-schema texts.
//
// The texts are proto3 so that presence can carry Go's JSON semantics (the wire format is the same as
// upstream's proto2 generated.proto; field numbers are the upstream ones):
//   `optional T x = n;`        Go pointer: emitted in JSON whenever it is on the wire, even if zero.
//   `T x = n;` (no label)      Go value with `omitempty`: emitted only when non-zero.
//   `T x = n [(always)=true];` Go value without `omitempty`: always emitted (zero value, or null for a message).
//   `T x = n [(inline)=true];` Go embedded struct (`json:",inline"`): its fields are merged into the parent.
// Message-typed fields are emitted whenever present on the wire (Go always writes non-pointer structs).

/** Full names of the apimachinery messages, for use inside the schema texts. */
export const META = '.k8s.io.apimachinery.pkg.apis.meta.v1';
export const QUANTITY = '.k8s.io.apimachinery.pkg.api.resource.Quantity';
export const INT_OR_STRING = '.k8s.io.apimachinery.pkg.util.intstr.IntOrString';
export const RAW_EXTENSION = '.k8s.io.apimachinery.pkg.runtime.RawExtension';
export const CORE = '.k8s.io.api.core.v1';

/** Field options of the notation above. */
export const ALWAYS = '[(always) = true]';
export const INLINE = '[(inline) = true]';
