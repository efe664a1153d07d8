// Duplicate mapping keys in a YAML body, reported as go-yaml does (`line 5: key "name" already set in map`).
// js-yaml stops at the first duplicate, so each one found is renamed in a scratch copy and parsing retried.
import yaml from 'js-yaml';

export interface YamlDuplicate { line: number; key: string; message: string }

/** Reads the key written at `pos` (plain, single- or double-quoted). */
function keyAt(src: string, pos: number): { text: string; quoted: boolean } {
  const c = src[pos];
  if (c === '"' || c === "'") {
    let j = pos + 1;
    while (j < src.length && src[j] !== c) j += src[j] === '\\' && c === '"' ? 2 : 1;
    const lit = src.slice(pos, j + 1);
    try { return { text: c === '"' ? (JSON.parse(lit) as string) : lit.slice(1, -1).replace(/''/g, "'"), quoted: true }; } catch { return { text: lit.slice(1, -1), quoted: true }; }
  }
  const m = /^[^:\n,}\]]*?(?=\s*:(\s|$))/.exec(src.slice(pos));
  return { text: (m ? m[0] : '').trim(), quoted: false };
}

/** go-yaml renders the key with %#v: strings quoted, numbers and booleans bare. */
function goKey(k: { text: string; quoted: boolean }): string {
  if (!k.quoted && (/^-?\d+(\.\d+)?$/.test(k.text) || /^(true|false|null|~)$/.test(k.text))) return k.text;
  return JSON.stringify(k.text);
}

export function findYamlDuplicates(src: string): YamlDuplicate[] {
  const out: YamlDuplicate[] = [];
  let scratch = src;
  for (let n = 0; n < 1000; n++) {
    try {
      yaml.load(scratch);
      break;
    } catch (e) {
      const err = e as { reason?: string; mark?: { position: number; line: number } };
      if (err.reason !== 'duplicated mapping key' || !err.mark) break;
      const pos = err.mark.position;
      const key = keyAt(scratch, pos);
      const line = err.mark.line + 1;
      out.push({ line, key: key.text, message: `line ${line}: key ${goKey(key)} already set in map` });
      // Make this occurrence unique without moving any later text onto another line.
      const at = scratch[pos] === '"' || scratch[pos] === "'" ? pos + 1 : pos;
      scratch = `${scratch.slice(0, at)}dup${n}\u00a7${scratch.slice(at)}`;
    }
  }
  return out.sort((a, b) => a.line - b.line);
}
