#!/usr/bin/env node
// Generates openapi/definitions.json (Swagger-2.0-style definitions keyed by Kubernetes
// definition names) from the documented .d.ts files of the dev dependency kubernetes-models,
// so the server serves OpenAPI without needing that package at run time.
//
// Why probing: the .d.ts files say `number` for int32, int64 and float alike and lose the
// `byte` format of []byte strings; the compiled ajv validators beside them (_schemas/*.js)
// still know, so each numeric/string field is checked against its validator with sample values.
//
// Usage: node scripts/gen-openapi.mjs   (writes openapi/definitions.json)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nm = path.join(root, 'node_modules');
const modelsDir = path.join(nm, 'kubernetes-models');
const machineryDir = path.join(nm, '@kubernetes-models', 'apimachinery');
const outFile = path.join(root, 'openapi', 'definitions.json');

// Group directory in kubernetes-models → package segment of the upstream definition name.
const GROUP_PREFIX = {
  'apiextensions.k8s.io': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions',
  'apiregistration.k8s.io': 'io.k8s.kube-aggregator.pkg.apis.apiregistration',
};
const groupPrefix = (dir) => GROUP_PREFIX[dir] ?? `io.k8s.api.${dir.split('.')[0]}`;
/** Only served-style, stable versions (v1, v2); betas would only bloat the document. */
const STABLE = /^v\d+$/;

/** Definition name of a .d.ts file, or undefined when the file is outside what we generate. */
function defNameOf(file) {
  const rel = path.relative(nm, file).split(path.sep);
  const base = rel[rel.length - 1].replace(/\.d\.ts$/, '');
  if (rel[0] === 'kubernetes-models') {
    if (rel.length === 3 && rel[1] === 'v1') return `io.k8s.api.core.v1.${base}`;
    if (rel.length === 4 && STABLE.test(rel[2])) return `${groupPrefix(rel[1])}.${rel[2]}.${base}`;
    return undefined;
  }
  if (rel[0] === '@kubernetes-models' && rel[1] === 'apimachinery') {
    const pkg = rel.slice(2, -1).join('.');
    if (!pkg) return undefined;
    return `io.k8s.apimachinery.pkg.${pkg}.${base}`;
  }
  return undefined;
}

function listDts(dir) {
  const out = [];
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    if (ent.name === '_schemas' || ent.name === 'node_modules') continue;
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) out.push(...listDts(p));
    else if (ent.name.endsWith('.d.ts') && ent.name !== 'index.d.ts') out.push(p);
  }
  return out;
}

/** The JSDoc text right before a node, without the comment markers. */
function docOf(node, sf) {
  const ranges = ts.getLeadingCommentRanges(sf.text, node.getFullStart()) ?? [];
  const last = ranges.filter((r) => sf.text.startsWith('/**', r.pos)).pop();
  if (!last) return undefined;
  const raw = sf.text.slice(last.pos + 3, last.end - 2);
  const lines = raw.split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
  while (lines.length && !lines[0].trim()) lines.shift();
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  const text = lines.join('\n').replace(/\n {1,2}- /g, '\n - ');
  return text || undefined;
}

const propName = (m) => (ts.isStringLiteral(m.name) || ts.isIdentifier(m.name) ? m.name.text : m.name.getText());

/** Import bindings of a file: local identifier → definition name. */
function importsOf(sf, file) {
  const map = new Map();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !st.importClause?.namedBindings || !ts.isNamedImports(st.importClause.namedBindings)) continue;
    const spec = st.moduleSpecifier.text;
    let target;
    if (spec.startsWith('.')) target = path.resolve(path.dirname(file), spec.replace(/\.js$/, '') + '.d.ts');
    else if (spec.startsWith('@kubernetes-models/apimachinery/'))
      target = path.join(machineryDir, spec.slice('@kubernetes-models/apimachinery/'.length) + '.d.ts');
    else continue;
    const name = defNameOf(target);
    for (const el of st.importClause.namedBindings.elements) if (name) map.set(el.name.text, name);
  }
  return map;
}

/** Builds a nested sample object holding `value` at `segs`, for probing a validator. */
function sampleAt(segs, value) {
  let v = value;
  for (let i = segs.length - 1; i >= 0; i--) v = typeof segs[i] === 'number' ? [v] : { [segs[i]]: v };
  return v;
}
function probeErrors(validate, segs, value) {
  if (!validate) return [];
  validate(sampleAt(segs, value));
  const at = '/' + segs.map((s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
  return (validate.errors ?? []).filter((e) => e.instancePath === at);
}
function numberSchema(validate, segs) {
  const asFloat = probeErrors(validate, segs, 1.5);
  if (!asFloat.some((e) => e.keyword === 'type')) return { type: 'number', format: 'double' };
  const big = probeErrors(validate, segs, 2 ** 40);
  return { type: 'integer', format: big.some((e) => e.keyword === 'format') ? 'int32' : 'int64' };
}
function stringSchema(validate, segs) {
  const bad = probeErrors(validate, segs, '%%not valid%%');
  const fmt = bad.find((e) => e.keyword === 'format')?.params?.format;
  return fmt ? { type: 'string', format: fmt } : { type: 'string' };
}

function typeToSchema(node, ctx, segs) {
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return stringSchema(ctx.validate, segs);
    case ts.SyntaxKind.NumberKeyword:
      return numberSchema(ctx.validate, segs);
    case ts.SyntaxKind.BooleanKeyword:
      return { type: 'boolean' };
    case ts.SyntaxKind.AnyKeyword:
    case ts.SyntaxKind.UnknownKeyword:
    case ts.SyntaxKind.ObjectKeyword:
      return { type: 'object' };
    case ts.SyntaxKind.ParenthesizedType:
      return typeToSchema(node.type, ctx, segs);
    case ts.SyntaxKind.LiteralType:
      if (ts.isStringLiteral(node.literal)) return { type: 'string', enum: [node.literal.text] };
      if (node.literal.kind === ts.SyntaxKind.TrueKeyword || node.literal.kind === ts.SyntaxKind.FalseKeyword) return { type: 'boolean' };
      return { type: 'number' };
    case ts.SyntaxKind.ArrayType:
      return { type: 'array', items: typeToSchema(node.elementType, ctx, [...segs, 0]) };
    case ts.SyntaxKind.UnionType: {
      const parts = node.types.filter(
        (t) => !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword) && t.kind !== ts.SyntaxKind.UndefinedKeyword,
      );
      if (parts.length && parts.every((t) => ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal))) {
        return { type: 'string', enum: parts.map((t) => t.literal.text) };
      }
      if (parts.length === 1) return typeToSchema(parts[0], ctx, segs);
      ctx.warn(`union ${node.getText()}`);
      return {};
    }
    case ts.SyntaxKind.TypeLiteral: {
      const index = node.members.find(ts.isIndexSignatureDeclaration);
      if (index) return { type: 'object', additionalProperties: typeToSchema(index.type, ctx, [...segs, 'k']) };
      return { type: 'object' };
    }
    case ts.SyntaxKind.TypeReference: {
      const name = node.typeName.getText();
      if ((name === 'Array' || name === 'ReadonlyArray') && node.typeArguments?.length === 1) {
        return { type: 'array', items: typeToSchema(node.typeArguments[0], ctx, [...segs, 0]) };
      }
      if (name === 'Record' && node.typeArguments?.length === 2) {
        return { type: 'object', additionalProperties: typeToSchema(node.typeArguments[1], ctx, [...segs, 'k']) };
      }
      const ref = ctx.imports.get(name) ?? ctx.locals.get(name);
      if (ref) {
        ctx.refs.add(ref);
        return { $ref: `#/definitions/${ref}` };
      }
      ctx.warn(`unresolved reference ${name}`);
      return { type: 'object' };
    }
    default:
      ctx.warn(`unhandled type ${ts.SyntaxKind[node.kind]} ${node.getText()}`);
      return {};
  }
}

/** Reads one .d.ts file into a definition, or undefined when it declares no model. */
async function readDefinition(file, name) {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const base = path.basename(file, '.d.ts');
  // The validator module is named after the alias in `export type { IX as IIoK8s..., X as IoK8s... }`.
  const alias = sf.text.match(/ as (IoK8s[A-Za-z0-9]+) \};/)?.[1];
  const pkgDir = file.startsWith(modelsDir) ? modelsDir : machineryDir;
  let validate;
  if (alias) {
    const vfile = path.join(pkgDir, '_schemas', `${alias}.js`);
    if (fs.existsSync(vfile)) validate = (await import(pathToFileURL(vfile).href)).validate;
  }
  const ctx = {
    imports: importsOf(sf, file),
    locals: new Map([[`I${base}`, name]]),
    refs: new Set(),
    validate,
    warn: (m) => warnings.push(`${name}: ${m}`),
  };
  for (const st of sf.statements) {
    if (ts.isInterfaceDeclaration(st) && st.name.text === `I${base}`) {
      const typeMeta = (st.heritageClauses ?? []).some((h) => h.types.some((t) => t.expression.getText() === 'TypeMeta'));
      const schema = { type: 'object' };
      const description = docOf(st, sf);
      if (description) schema.description = description;
      const properties = {};
      const required = [];
      let gv, kind;
      for (const m of st.members) {
        if (!ts.isPropertySignature(m) || !m.type) continue;
        const p = propName(m);
        if (typeMeta && (p === 'apiVersion' || p === 'kind')) {
          // Literal types carry the GVK; upstream documents these as plain optional strings.
          const lit = ts.isLiteralTypeNode(m.type) && ts.isStringLiteral(m.type.literal) ? m.type.literal.text : undefined;
          if (p === 'apiVersion') gv = lit;
          else kind = lit;
          properties[p] = { description: p === 'apiVersion' ? TYPE_META.apiVersion : TYPE_META.kind, type: 'string' };
          continue;
        }
        const s = typeToSchema(m.type, ctx, [p]);
        const d = docOf(m, sf);
        properties[p] = d ? { description: d, ...s } : s;
        if (!m.questionToken) required.push(p);
      }
      if (Object.keys(properties).length) schema.properties = properties;
      if (required.length) schema.required = required.sort();
      if (gv && kind) {
        const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
        schema['x-kubernetes-group-version-kind'] = [{ group, kind, version }];
      }
      return schema;
    }
    if (ts.isTypeAliasDeclaration(st) && st.name.text === `I${base}`) {
      const s = typeToSchema(st.type, ctx, []);
      const description = docOf(st, sf);
      return description ? { description, ...s } : s;
    }
  }
  return undefined;
}

const warnings = [];
let TYPE_META = { apiVersion: '', kind: '' };

function readTypeMetaDocs() {
  // Status.d.ts documents apiVersion/kind as plain strings; reuse that wording for every kind.
  const file = path.join(machineryDir, 'apis/meta/v1/Status.d.ts');
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const iface = sf.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === 'IStatus');
  for (const m of iface.members)
    if (ts.isPropertySignature(m) && (propName(m) === 'apiVersion' || propName(m) === 'kind')) TYPE_META[propName(m)] = docOf(m, sf);
}

/** Types the sources render as plain aliases but upstream documents with a wire format. */
function applyOverrides(defs) {
  const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';
  const set = (name, schema) => {
    defs[name] = { ...(defs[name]?.description ? { description: defs[name].description } : {}), ...schema };
  };
  set(`${meta}.Time`, { type: 'string', format: 'date-time' });
  set(`${meta}.MicroTime`, { type: 'string', format: 'date-time' });
  set('io.k8s.apimachinery.pkg.util.intstr.IntOrString', { type: 'string', format: 'int-or-string' });
  defs['io.k8s.apimachinery.pkg.api.resource.Quantity'] = {
    description:
      'Quantity is a fixed-point representation of a number, written as a string such as "100m", "1.5Gi" or "2" (a decimal or binary SI suffix, or an exponent). It is used for resource amounts such as CPU and memory.',
    type: 'string',
  };
}

/** meta/v1 kinds the sources lack (server-side printing and metadata-only lists). */
function addMetaExtras(defs) {
  const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';
  const ref = (n) => ({ $ref: `#/definitions/${n}` });
  const tm = () => ({
    apiVersion: { description: TYPE_META.apiVersion, type: 'string' },
    kind: { description: TYPE_META.kind, type: 'string' },
  });
  const gvk = (kind) => [{ group: 'meta.k8s.io', kind, version: 'v1' }];
  defs[`${meta}.TableColumnDefinition`] = {
    description: 'TableColumnDefinition describes one column of a server-side Table.',
    type: 'object',
    properties: {
      description: { description: 'description is a human readable explanation of the column.', type: 'string' },
      format: { description: 'format is an optional OpenAPI format modifier for the column (e.g. "name").', type: 'string' },
      name: { description: 'name is a human readable name for the column.', type: 'string' },
      priority: {
        description: 'priority is 0 for columns shown by default; higher numbers are shown only in wider output.',
        type: 'integer',
        format: 'int32',
      },
      type: { description: 'type is an OpenAPI type of the column values (string, integer, number, boolean, date).', type: 'string' },
    },
    required: ['description', 'format', 'name', 'priority', 'type'],
  };
  defs[`${meta}.TableRow`] = {
    description: 'TableRow is one row of a server-side Table.',
    type: 'object',
    properties: {
      cells: { description: 'cells holds one value per column, in column order.', type: 'array', items: { type: 'object' } },
      conditions: {
        description: 'conditions describe additional status of the row, such as Completed.',
        type: 'array',
        items: ref(`${meta}.TableRowCondition`),
      },
      object: {
        description: 'object is the full object or its PartialObjectMetadata, depending on the includeObject option.',
        ...ref('io.k8s.apimachinery.pkg.runtime.RawExtension'),
      },
    },
    required: ['cells'],
  };
  defs[`${meta}.TableRowCondition`] = {
    description: 'TableRowCondition is a condition of a row.',
    type: 'object',
    properties: {
      message: { description: 'Human readable message for the last transition.', type: 'string' },
      reason: { description: 'Machine readable reason for the last transition.', type: 'string' },
      status: { description: 'Status of the condition: True, False or Unknown.', type: 'string' },
      type: { description: 'Type of the condition (Completed).', type: 'string' },
    },
    required: ['status', 'type'],
  };
  defs[`${meta}.Table`] = {
    description: 'Table is a tabular representation of a list of objects, as the server prints it.',
    type: 'object',
    properties: {
      ...tm(),
      columnDefinitions: {
        description: 'columnDefinitions describes each column of the rows.',
        type: 'array',
        items: ref(`${meta}.TableColumnDefinition`),
      },
      metadata: { description: 'Standard list metadata.', ...ref(`${meta}.ListMeta`) },
      rows: { description: 'rows is the list of items in the table.', type: 'array', items: ref(`${meta}.TableRow`) },
    },
    required: ['columnDefinitions', 'rows'],
    'x-kubernetes-group-version-kind': gvk('Table'),
  };
  defs[`${meta}.PartialObjectMetadata`] = {
    description: 'PartialObjectMetadata is an object that carries only metadata.',
    type: 'object',
    properties: { ...tm(), metadata: { description: 'Standard object metadata.', ...ref(`${meta}.ObjectMeta`) } },
    'x-kubernetes-group-version-kind': gvk('PartialObjectMetadata'),
  };
  defs[`${meta}.PartialObjectMetadataList`] = {
    description: 'PartialObjectMetadataList is a list of objects that carry only metadata.',
    type: 'object',
    properties: {
      ...tm(),
      items: { description: 'items contains each of the included items.', type: 'array', items: ref(`${meta}.PartialObjectMetadata`) },
      metadata: { description: 'Standard list metadata.', ...ref(`${meta}.ListMeta`) },
    },
    required: ['items'],
    'x-kubernetes-group-version-kind': gvk('PartialObjectMetadataList'),
  };
}

/** Kinds shared by every group-version (DeleteOptions, WatchEvent) carry one GVK per served GV, as upstream. */
function addSharedGvks(defs) {
  const gvs = new Set();
  for (const d of Object.values(defs))
    for (const g of d['x-kubernetes-group-version-kind'] ?? []) if (g.group !== 'meta.k8s.io') gvs.add(`${g.group}/${g.version}`);
  const list = (kind) =>
    [...gvs].sort().map((gv) => {
      const [group, version] = gv.split('/');
      return { group, kind, version };
    });
  const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';
  defs[`${meta}.DeleteOptions`]['x-kubernetes-group-version-kind'] = list('DeleteOptions');
  defs[`${meta}.WatchEvent`]['x-kubernetes-group-version-kind'] = list('WatchEvent');
  defs[`${meta}.Status`]['x-kubernetes-group-version-kind'] = [{ group: '', kind: 'Status', version: 'v1' }];
  defs[`${meta}.APIResourceList`]['x-kubernetes-group-version-kind'] = [{ group: '', kind: 'APIResourceList', version: 'v1' }];
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys(v[k])]),
    );
  return v;
}

async function main() {
  readTypeMetaDocs();
  const files = [...listDts(modelsDir), ...listDts(machineryDir)];
  const defs = {};
  for (const f of files) {
    const name = defNameOf(f);
    if (!name) continue;
    const d = await readDefinition(f, name);
    if (d) defs[name] = d;
  }
  applyOverrides(defs);
  addMetaExtras(defs);
  addSharedGvks(defs);
  const missing = new Set();
  JSON.stringify(defs, (k, v) => {
    if (k === '$ref' && typeof v === 'string' && !defs[v.slice('#/definitions/'.length)]) missing.add(v);
    return v;
  });
  if (missing.size) warnings.push(`dangling refs: ${[...missing].join(', ')}`);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const text = JSON.stringify(sortKeys(defs)) + '\n';
  fs.writeFileSync(outFile, text);
  // Aliases replaced by applyOverrides (Quantity, IntOrString) are expected to be unions.
  for (const w of warnings) if (!/(Quantity|IntOrString): union/.test(w)) console.warn(`warning: ${w}`);
  console.log(`wrote ${path.relative(root, outFile)}: ${Object.keys(defs).length} definitions, ${(text.length / 1e6).toFixed(2)} MB`);
}

await main();
