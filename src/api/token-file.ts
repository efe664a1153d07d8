// --token-auth-file, as kube-apiserver's tokenfile authenticator reads it: a CSV file (Go's encoding/csv, any number
// of fields per record) of `token,user,uid[,"group1,group2"]`. Records with fewer than 3 fields fail the load; an
// empty token is skipped with a warning; a token listed twice keeps its last line (with a warning), as upstream.
import { readFile } from 'node:fs/promises';
import type { UserInfo } from '../machinery/api/user.js';

export interface StaticTokenUser extends UserInfo {
  uid: string;
}

export interface TokenFile {
  /** token → user */
  users: Map<string, StaticTokenUser>;
  warnings: string[];
}

/** Go's csv.ParseError text: `parse error on line L, column C: why` (with the record's first line when it differs). */
class CsvError extends Error {
  constructor(recordLine: number, line: number, column: number, why: string) {
    super(
      recordLine !== line
        ? `record on line ${recordLine}; parse error on line ${line}, column ${column}: ${why}`
        : `parse error on line ${line}, column ${column}: ${why}`,
    );
  }
}

const BARE_QUOTE = 'bare " in non-quoted-field';
const QUOTE = 'extraneous or missing " in quoted-field';

/** Splits CSV text into records as Go's csv.Reader does with its defaults (',' separator, no comments, strict quotes). */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    const recordLine = i + 1;
    let line = lines[i]!;
    i++;
    if (i === lines.length && line === '') break; // the text's final newline
    if (line.replace(/\r$/, '') === '') continue; // empty lines are skipped
    const fields: string[] = [];
    let pos = 0;
    let lineNo = recordLine;
    for (;;) {
      if (line[pos] !== '"') {
        // A plain field: up to the next comma or the line's end; a quote inside it is an error.
        const rest = line.slice(pos).replace(/\r$/, '');
        const comma = rest.indexOf(',');
        const field = comma < 0 ? rest : rest.slice(0, comma);
        const q = field.indexOf('"');
        if (q >= 0) throw new CsvError(recordLine, lineNo, Buffer.byteLength(line.slice(0, pos + q)) + 1, BARE_QUOTE);
        fields.push(field);
        if (comma < 0) break;
        pos += comma + 1;
        continue;
      }
      // A quoted field: "" is a quote; it may span lines.
      let value = '';
      pos++;
      for (;;) {
        const q = line.indexOf('"', pos);
        if (q < 0) {
          value += line.slice(pos) + '\n';
          if (i >= lines.length || (i === lines.length - 1 && lines[i] === '')) throw new CsvError(recordLine, lineNo + 1, 0, QUOTE); // end of file inside the quotes
          line = lines[i]!;
          i++;
          lineNo++;
          pos = 0;
          continue;
        }
        value += line.slice(pos, q);
        const next = line[q + 1];
        if (next === '"') {
          value += '"';
          pos = q + 2;
          continue;
        }
        if (next === undefined || next === ',' || (next === '\r' && q + 2 === line.length)) {
          pos = q + 1;
          break;
        }
        throw new CsvError(recordLine, lineNo, Buffer.byteLength(line.slice(0, q + 1)) + 1, QUOTE);
      }
      fields.push(value.replace(/\r\n/g, '\n'));
      if (line[pos] === ',') {
        pos++;
        continue;
      }
      break;
    }
    records.push(fields);
  }
  return records;
}

/** Parses the file's text (tokenfile.NewCSV); `path` only names the file in messages. */
export function parseTokenFile(text: string, path: string): TokenFile {
  const users = new Map<string, StaticTokenUser>();
  const warnings: string[] = [];
  let recordNum = 0;
  for (const record of parseCsv(text)) {
    if (record.length < 3)
      throw new Error(`token file '${path}' must have at least 3 columns (token, user name, user uid), found ${record.length}`);
    recordNum++;
    const [token, name, uid] = record as [string, string, string];
    if (token === '') {
      warnings.push(`empty token has been found in token file '${path}', record number '${recordNum}'`);
      continue;
    }
    if (users.has(token)) warnings.push(`duplicate token has been found in token file '${path}', record number '${recordNum}'`);
    // strings.Split: an empty fourth column is one empty group, as upstream.
    users.set(token, { name, uid, groups: record.length >= 4 ? record[3]!.split(',') : [] });
  }
  return { users, warnings };
}

/** Reads and parses --token-auth-file at start; a missing or malformed file stops the server, as kube-apiserver. */
export async function loadTokenFile(path: string): Promise<TokenFile> {
  return parseTokenFile(await readFile(path, 'utf8'), path);
}
