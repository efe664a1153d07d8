// Generates src/protobuf/wire-schema.ts, the one source of the Kubernetes protobuf wire schema, from upstream's own
// compiled descriptors: every Go client binary (kubectl) embeds k8s.io/api's generated.proto as gzipped
// FileDescriptorProtos (field numbers, types, and gogoproto's nullable=false, which marks a Go value field; a scalar
// without it is a Go pointer). openapi/definitions.json adds what the descriptors lack: which fields are required
// (Go JSON without omitempty: always written) and which are embedded inline (`json:",inline"`).
//
//   node scripts/gen-protobuf-schema.mjs <kubectl binary> [more binaries...]
// Later binaries only add packages the earlier ones lack (apiextensions-apiserver comes from a kube-apiserver build).
import fs from 'node:fs';
import zlib from 'node:zlib';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';

/** Served group versions → the proto package holding their kinds. */
const GROUP_PACKAGES = {
  v1: 'k8s.io.api.core.v1',
  'admissionregistration.k8s.io/v1': 'k8s.io.api.admissionregistration.v1',
  'apiextensions.k8s.io/v1': 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1',
  'apiregistration.k8s.io/v1': 'k8s.io.kube_aggregator.pkg.apis.apiregistration.v1',
  'apps/v1': 'k8s.io.api.apps.v1',
  'authentication.k8s.io/v1': 'k8s.io.api.authentication.v1',
  'authorization.k8s.io/v1': 'k8s.io.api.authorization.v1',
  'autoscaling/v1': 'k8s.io.api.autoscaling.v1',
  'autoscaling/v2': 'k8s.io.api.autoscaling.v2',
  'batch/v1': 'k8s.io.api.batch.v1',
  'certificates.k8s.io/v1': 'k8s.io.api.certificates.v1',
  'coordination.k8s.io/v1': 'k8s.io.api.coordination.v1',
  'discovery.k8s.io/v1': 'k8s.io.api.discovery.v1',
  'events.k8s.io/v1': 'k8s.io.api.events.v1',
  'flowcontrol.apiserver.k8s.io/v1': 'k8s.io.api.flowcontrol.v1',
  'metrics.k8s.io/v1beta1': 'k8s.io.metrics.pkg.apis.metrics.v1beta1',
  'networking.k8s.io/v1': 'k8s.io.api.networking.v1',
  'node.k8s.io/v1': 'k8s.io.api.node.v1',
  'policy/v1': 'k8s.io.api.policy.v1',
  'rbac.authorization.k8s.io/v1': 'k8s.io.api.rbac.v1',
  'scheduling.k8s.io/v1': 'k8s.io.api.scheduling.v1',
  'storage.k8s.io/v1': 'k8s.io.api.storage.v1',
};
const APIMACHINERY = [
  'k8s.io.apimachinery.pkg.apis.meta.v1',
  'k8s.io.apimachinery.pkg.runtime',
  'k8s.io.apimachinery.pkg.runtime.schema',
  'k8s.io.apimachinery.pkg.util.intstr',
  'k8s.io.apimachinery.pkg.api.resource',
];
const WANTED = new Set([...Object.values(GROUP_PACKAGES), ...APIMACHINERY]);

// gogoproto.nullable (extension 65001 of FieldOptions): the descriptor decoder keeps it as an ordinary field.
descriptor.FieldOptions.add(new protobuf.Field('nullable', 65001, 'bool'));

const GZIP = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff]);

/** Every embedded FileDescriptorProto of a Go binary, by package. */
function descriptorsOf(binary) {
  const buf = fs.readFileSync(binary);
  const out = new Map();
  for (let i = buf.indexOf(GZIP); i >= 0; i = buf.indexOf(GZIP, i + 1)) {
    let bytes;
    try {
      // Raw inflate after the 10-byte header: one member only (gunzip would run on into an adjacent descriptor).
      bytes = zlib.inflateRawSync(buf.subarray(i + GZIP.length, i + 1_000_000), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch {
      continue;
    }
    if (!bytes.subarray(0, 200).toString('latin1').includes('generated.proto')) continue;
    let fd;
    try {
      const FDP = descriptor.FileDescriptorProto;
      fd = FDP.toObject(FDP.decode(bytes), { enums: String, arrays: true });
    } catch {
      continue;
    }
    const pkg = fd.package.replace(/^k8s\.io\.kubernetes\.vendor\./, '');
    if (WANTED.has(pkg) && !out.has(pkg)) out.set(pkg, fd);
  }
  return out;
}

/** ELF sections of a Go binary with their names: to map the virtual addresses in its type data to file offsets. */
function sectionsOf(buf) {
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const size = buf.readUInt16LE(0x3a);
  const count = buf.readUInt16LE(0x3c);
  const header = (i) => {
    const o = shoff + i * size;
    return {
      nameOff: buf.readUInt32LE(o),
      type: buf.readUInt32LE(o + 4),
      addr: Number(buf.readBigUInt64LE(o + 16)),
      off: Number(buf.readBigUInt64LE(o + 24)),
      size: Number(buf.readBigUInt64LE(o + 32)),
    };
  };
  const names = header(buf.readUInt16LE(0x3e));
  const secs = [];
  for (let i = 0; i < count; i++) {
    const h = header(i);
    const at = names.off + h.nameOff;
    h.name = buf.toString('latin1', at, buf.indexOf(0, at));
    if (h.type === 1 && h.addr) secs.push(h);
  }
  return secs;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Go struct tags of the same binaries (`json:"name,omitempty" ... protobuf:"bytes,3,opt,name=name"`), grouped by
 * struct: Go's runtime type data keeps every struct's fields as an array of {name, type, offset} whose name points
 * at a blob (flag, length, field name, length, tag). A struct is its set of `number,name` keys → omitempty.
 */
function structTagsOf(binary) {
  const buf = fs.readFileSync(binary);
  const secs = sectionsOf(buf);
  const toOff = (va) => {
    const s = secs.find((x) => va >= x.addr && va < x.addr + x.size);
    return s ? va - s.addr + s.off : -1;
  };
  const toAddr = (off) => {
    const s = secs.find((x) => off >= x.off && off < x.off + x.size);
    return s ? off - s.off + s.addr : -1;
  };
  /** The field name of a name blob at file offset `o`, or undefined when `o` is not one. */
  const nameAt = (o) => {
    if (o < 0 || o + 2 >= buf.length || (buf[o] & ~0x0f) !== 0) return undefined;
    const len = buf[o + 1];
    if (len === 0 || len >= 0x80) return undefined;
    const name = buf.toString('latin1', o + 2, o + 2 + len);
    return IDENT.test(name) ? name : undefined;
  };
  const text = buf.toString('latin1');
  const re = /json:"([^",]*)(,[^"]*)?"((?: \w+:"[^"]*")*?) protobuf:"\w+,(\d+),(?:opt|rep),name=(\w+)/g;
  const blobs = new Map(); // blob address → { key, omitempty }
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // The tag's length (a one- or two-byte varint) sits right before it, the name and its length before that.
    for (const lenBytes of [1, 2]) {
      const p = m.index - lenBytes;
      for (let len = 1; len < 0x80; len++) {
        const start = p - len - 2;
        if (buf[start + 1] !== len || nameAt(start) === undefined) continue;
        const va = toAddr(start);
        if (va >= 0) blobs.set(va, { key: `${m[4]},${m[5]}`, json: m[1], omitempty: !!m[2]?.includes('omitempty') });
      }
    }
  }
  const structs = new Map(); // field array start → Map(key → omitempty)
  for (const s of secs) {
    for (let o = s.off; o + 8 <= s.off + s.size; o += 8) {
      if (buf.readUInt32LE(o + 4) !== 0) continue;
      const blob = blobs.get(buf.readUInt32LE(o));
      if (!blob) continue;
      // Walk back to the first field of this struct's array.
      let first = o;
      while (first - 24 >= s.off && buf.readUInt32LE(first - 20) === 0 && nameAt(toOff(buf.readUInt32LE(first - 24))) !== undefined)
        first -= 24;
      if (!structs.has(first)) structs.set(first, new Map());
      structs.get(first).set(blob.key, blob);
    }
  }
  // A named struct type's header is {..., fields: {ptr, len, cap}} then its uncommon type, whose first word is the
  // package path as an offset from the start of the type data (.rodata).
  const byAddr = new Map([...structs.keys()].map((first) => [toAddr(first), first]));
  const types = secs.find((x) => x.name === '.rodata');
  const out = [];
  for (const s of secs) {
    for (let o = s.off; o + 32 <= s.off + s.size; o += 8) {
      if (buf.readUInt32LE(o + 4) !== 0) continue;
      const first = byAddr.get(buf.readUInt32LE(o));
      if (first === undefined) continue;
      const len = buf.readBigUInt64LE(o + 8);
      if (len === 0n || len !== buf.readBigUInt64LE(o + 16)) continue;
      const pkgOff = types.off + buf.readUInt32LE(o + 24);
      const n = buf[pkgOff + 1];
      const pkgPath = n < 0x80 ? buf.toString('latin1', pkgOff + 2, pkgOff + 2 + n) : '';
      out.push({ pkgPath: pkgPath.replace(/^.*\/vendor\//, ''), tags: structs.get(first) });
    }
  }
  return out;
}

const defs = JSON.parse(fs.readFileSync(new URL('../openapi/definitions.json', import.meta.url), 'utf8'));
/** k8s.io.api.apps.v1.Deployment → io.k8s.api.apps.v1.Deployment (apiextensions_apiserver → apiextensions-apiserver). */
const openapiName = (full) => full.replace(/^k8s\.io\./, 'io.k8s.').replace(/_/g, '-');

const SCALARS = {
  TYPE_STRING: 'string',
  TYPE_BOOL: 'bool',
  TYPE_INT32: 'int32',
  TYPE_INT64: 'int64',
  TYPE_UINT32: 'uint32',
  TYPE_UINT64: 'uint64',
  TYPE_BYTES: 'bytes',
  TYPE_DOUBLE: 'double',
  TYPE_FLOAT: 'float',
  TYPE_FIXED64: 'fixed64',
  TYPE_SFIXED64: 'sfixed64',
};

function typeName(f, pkg, entries) {
  if (f.type !== 'TYPE_MESSAGE') {
    const t = SCALARS[f.type];
    if (!t) throw new Error(`unsupported field type ${f.type} (${f.name})`);
    return t;
  }
  const entry = entries.get(f.typeName);
  if (entry) return `map<${typeName(entry.key, pkg, entries)},${typeName(entry.value, pkg, entries)}>`;
  const name = f.typeName.replace(/^\.k8s\.io\.kubernetes\.vendor\./, '.');
  return name.startsWith(`.${pkg}.`) && !name.slice(pkg.length + 2).includes('.') ? name.slice(pkg.length + 2) : name;
}

/** Every message of the descriptors read, by full name, to tell an inline member from a field openapi lacks. */
const allMessages = new Map();

/** An embedded struct's fields are the parent's JSON properties (`json:",inline"`): Volume.volumeSource, Probe.handler. */
function inlinedInto(props, typeName) {
  const target = allMessages.get(typeName.replace(/^\.k8s\.io\.kubernetes\.vendor\./, '.'));
  return !!target && target.field.some((tf) => tf.name in props);
}

/** One message as `name=number:type[flags]` words (name: `proto/json` when they differ): * repeated, ? Go pointer,
 * ! always written, ^ inline. */
function encodeMessage(pkg, goPackage, msg, entries) {
  const def = defs[openapiName(`${pkg}.${msg.name}`)];
  const props = def?.properties ?? {};
  const openapiRequired = new Set(def?.required ?? []);
  // The Go struct of this message: the one whose tagged fields are exactly these fields.
  const keys = msg.field.map((f) => `${f.number},${f.name}`);
  const matches = goStructs.filter((st) => st.pkgPath === goPackage && st.tags.size === keys.length && keys.every((k) => st.tags.has(k)));
  /** Written to JSON even when zero: the Go tag without omitempty, else (no single struct) openapi's required. */
  const required = (f) => {
    const tags = new Set(matches.map((st) => st.tags.get(`${f.number},${f.name}`).omitempty));
    if (tags.size === 1) return ![...tags][0];
    undecided.push(`${pkg}.${msg.name}.${f.name}`);
    return openapiRequired.has(f.name);
  };
  /** The JSON name, where Go's tag differs from the proto name (JSONSchemaProps: $ref, x-kubernetes-...). */
  const jsonName = (f) => {
    const names = new Set(matches.map((st) => st.tags.get(`${f.number},${f.name}`).json));
    const only = names.size === 1 ? [...names][0] : '';
    return only && only !== '-' ? only : f.name; // `json:"-"`: a member Go's JSON leaves out (FieldsV1's Raw)
  };
  // OpenAPI members no field carries (a newer API than the binaries'): reported, to be added to SUPPLEMENT_FIELDS.
  if (def) {
    const covered = new Set(msg.field.map(jsonName));
    // Members of inline structs (nested: NamedRuleWithOperations → RuleWithOperations → Rule) are the parent's own.
    const addInline = (fields) => {
      for (const f of fields) {
        const target = f.type === 'TYPE_MESSAGE' ? allMessages.get(f.typeName) : undefined;
        if (!target || f.name in props || !inlinedInto(props, f.typeName)) continue;
        for (const tf of target.field) covered.add(tf.name);
        addInline(target.field);
      }
    };
    addInline(msg.field);
    for (const p of Object.keys(props))
      if (!covered.has(p) && p !== 'apiVersion' && p !== 'kind') uncovered.push(`${pkg}.${msg.name}.${p}`);
  }
  return msg.field
    .map((f) => {
      const t = typeName(f, pkg, entries);
      // `proto/json` where the JSON name differs (protobufjs reserves names like `$ref`).
      const json = jsonName(f);
      const name = json === f.name ? f.name : `${f.name}/${json}`;
      let flags = '';
      if (t.startsWith('map<')) return `${name}=${f.number}:${t}`;
      if (f.label === 'LABEL_REPEATED') flags += '*';
      else if (f.type === 'TYPE_MESSAGE') {
        if (def && !(f.name in props) && inlinedInto(props, f.typeName)) flags += '^';
        // Go always writes a value struct; a nil pointer without omitempty is JSON null.
        else if (f.options?.nullable !== false && required(f)) flags += '!';
      } else if (f.options?.nullable !== false) flags += '?';
      else if (required(f)) flags += '!';
      return `${name}=${f.number}:${t}${flags}`;
    })
    .join(' ');
}

const binaries = process.argv.slice(2);
if (!binaries.length) {
  console.error('usage: node scripts/gen-protobuf-schema.mjs <kubectl binary> [more binaries...]');
  process.exit(2);
}
const goStructs = binaries.flatMap(structTagsOf);
const undecided = [];
const uncovered = [];
const files = new Map();
for (const b of binaries) for (const [pkg, fd] of descriptorsOf(b)) if (!files.has(pkg)) files.set(pkg, fd);

for (const [pkg, fd] of files) for (const msg of fd.messageType) allMessages.set(`.${pkg}.${msg.name}`, msg);
const packages = {};
for (const pkg of [...files.keys()].sort()) {
  const fd = files.get(pkg);
  const messages = {};
  for (const msg of fd.messageType) {
    const entries = new Map();
    for (const n of msg.nestedType) {
      if (n.options?.mapEntry) entries.set(`.${fd.package}.${msg.name}.${n.name}`, { key: n.field[0], value: n.field[1] });
    }
    messages[msg.name] = encodeMessage(pkg, fd.options?.goPackage?.replace(/^.*\/vendor\//, ''), msg, entries);
  }
  packages[pkg] = messages;
}
// kube-aggregator's types are in no client binary: its generated.proto by hand, in the same notation (Go pointers:
// ServiceReference.port; value fields without omitempty: groupPriorityMinimum, versionPriority, condition type/status).
const SUPPLEMENT = {
  'k8s.io.kube_aggregator.pkg.apis.apiregistration.v1': {
    APIService: 'metadata=1:.k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta spec=2:APIServiceSpec status=3:APIServiceStatus',
    APIServiceCondition:
      'type=1:string! status=2:string! lastTransitionTime=3:.k8s.io.apimachinery.pkg.apis.meta.v1.Time reason=4:string message=5:string',
    APIServiceList: 'metadata=1:.k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta items=2:APIService*',
    APIServiceSpec:
      'service=1:ServiceReference group=2:string version=3:string insecureSkipTLSVerify=4:bool caBundle=5:bytes groupPriorityMinimum=7:int32! versionPriority=8:int32!',
    APIServiceStatus: 'conditions=1:APIServiceCondition*',
    ServiceReference: 'namespace=1:string name=2:string port=3:int32?',
  },
};
for (const [pkg, messages] of Object.entries(SUPPLEMENT)) if (!packages[pkg]) packages[pkg] = messages;

// Fields newer than the binary a package came from (apiextensions from an older kube-apiserver build), from upstream's
// types (field numbers and Go types are facts): added where the message lacks that number.
const APIEXT = 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1';
const SUPPLEMENT_FIELDS = {
  [`${APIEXT}.ValidationRule`]: 'messageExpression=3:string reason=4:string? fieldPath=5:string',
  [`${APIEXT}.CustomResourceDefinitionVersion`]: 'selectableFields=9:SelectableField*',
  [`${APIEXT}.SelectableField`]: 'jsonPath=1:string!',
};
for (const [full, words] of Object.entries(SUPPLEMENT_FIELDS)) {
  const at = full.lastIndexOf('.');
  const messages = packages[full.slice(0, at)];
  const name = full.slice(at + 1);
  if (!messages) continue;
  const have = new Set((messages[name] ?? '').split(' ').map((w) => w.split(':')[0].split('=')[1]));
  const added = words.split(' ').filter((w) => !have.has(w.split(':')[0].split('=')[1]));
  messages[name] = [messages[name], ...added].filter(Boolean).join(' ');
  for (const w of added) {
    const i = uncovered.indexOf(`${full}.${w.split('=')[0]}`);
    if (i >= 0) uncovered.splice(i, 1);
  }
}
const missing = [...WANTED].filter((p) => !packages[p]);

const lines = [
  '// GENERATED by scripts/gen-protobuf-schema.mjs from the descriptors embedded in upstream Go binaries and',
  '// openapi/definitions.json: do not edit by hand. Each message is `field=number:type[flags]` words, flags:',
  '// * repeated, ? Go pointer (written and read back even when zero), ! Go value without omitempty (always in JSON),',
  '// ^ embedded inline (`json:",inline"`). Types without a package are in the message\'s own package.',
  `// Not in the descriptors used: ${missing.length ? missing.join(', ') : 'none'}.`,
  '',
  "/** Members of upstream's OpenAPI schema (openapi/definitions.json) that the descriptors used lack: newer fields. */",
  'export const FIELDS_NOT_ON_THE_WIRE: string[] = ' + JSON.stringify(uncovered) + ';',
  '',
  '/** proto package → message → fields. */',
  'export const WIRE_PACKAGES: Record<string, Record<string, string>> = ' + JSON.stringify(packages, null, 2) + ';',
  '',
];
const out = new URL('../src/protobuf/wire-schema.ts', import.meta.url);
fs.writeFileSync(out, lines.join('\n'));
// The group versions alone, small enough for content negotiation to import at start-up.
fs.writeFileSync(
  new URL('../src/protobuf/wire-groups.ts', import.meta.url),
  [
    '// GENERATED by scripts/gen-protobuf-schema.mjs: do not edit by hand.',
    '',
    '/** apiVersion → the proto package of its kinds (wire-schema.ts); a group version not here is JSON only. */',
    'export const GROUP_PACKAGES: Record<string, string> = ' + JSON.stringify(GROUP_PACKAGES, null, 2) + ';',
    '',
  ].join('\n'),
);
if (uncovered.length) console.log(`OpenAPI members without a field: ${uncovered.join(' ')}`);
if (undecided.length) console.log(`JSON presence from openapi (no single Go struct found): ${undecided.join(' ')}`);
console.log(`wrote ${out.pathname}: ${Object.keys(packages).length} packages; missing: ${missing.join(', ') || 'none'}`);
