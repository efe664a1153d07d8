// Compares `kubectl api-resources` output (stdin) with kube-apiserver 1.33's default list (the fixture): every
// upstream resource must be printed with its short names, APIVERSION, NAMESPACED and KIND, except exactly the ones
// test/fixtures/api-resources/not-yet-served.json names. Prints what differs; exits 1 if anything does.
import { readFileSync } from 'node:fs';

const dir = new URL('../test/fixtures/api-resources/', import.meta.url);
const upstream = JSON.parse(readFileSync(new URL('kube-apiserver-1.33.json', dir), 'utf8'));
const notYet = new Set(JSON.parse(readFileSync(new URL('not-yet-served.json', dir), 'utf8')));
const qualified = (name, apiVersion) => (apiVersion.includes('/') ? `${name}.${apiVersion.split('/')[0]}` : name);

const printed = new Map();
for (const line of readFileSync(0, 'utf8').split('\n').slice(1)) {
  const f = line.trim().split(/\s+/);
  if (f.length < 4) continue;
  const [name, shortNames, apiVersion, namespaced, kind] = f.length === 5 ? f : [f[0], '', f[1], f[2], f[3]];
  printed.set(qualified(name, apiVersion), `${name} ${shortNames} ${apiVersion} ${namespaced} ${kind}`);
}

const problems = [];
for (const r of upstream) {
  const key = qualified(r.name, r.apiVersion);
  const want = `${r.name} ${r.shortNames.join(',')} ${r.apiVersion} ${r.namespaced} ${r.kind}`;
  const got = printed.get(key);
  if (got === undefined && !notYet.has(key)) problems.push(`missing: ${want}`);
  else if (got !== undefined && notYet.has(key)) problems.push(`served but on the not-yet-served list: ${key}`);
  else if (got !== undefined && got !== want) problems.push(`differs: ${got} (upstream: ${want})`);
}
if (problems.length) {
  console.log(problems.join('\n'));
  process.exit(1);
}
console.log(`api-resources: ${upstream.length - notYet.size} of ${upstream.length} upstream resources served as upstream prints them`);
