// CEL errors as cel-go prints them (`ERROR: <input>:L:C: message`, the source line, a caret), with cel-go's wording
// where cel-js words a finding differently: what ValidatingAdmissionPolicy warnings and CRD rule compilation report.
/** cel-go's wording for the errors cel-js words differently (undefined fields and references, overloads). */
function celGoSummary(summary: string): string {
  const field = /^No such key: (.+)$/.exec(summary);
  if (field) return `undefined field '${field[1]}'`;
  const ref = /^Unknown variable: (\S+)$/.exec(summary);
  if (ref) return `undeclared reference to '${ref[1]}' (in container '')`;
  const op = /^no such overload: (\S+) (==|!=|<=|>=|<|>|\+|-|\*|\/|%|in) (\S+)$/.exec(summary);
  if (op) return `found no matching overload for '${op[2] === 'in' ? '@in' : `_${op[2]}_`}' applied to '(${op[1]}, ${op[3]})'`;
  const unary = /^no such overload: ([!-])(\S+)$/.exec(summary);
  if (unary) return `found no matching overload for '${unary[1]}_' applied to '(${unary[2]})'`;
  const call = /^found no matching overload for '(?:(.+)\.)?(\w+)\((.*)\)'$/.exec(summary);
  if (call) return `found no matching overload for '${call[2]}' applied to '${call[1] ? `${call[1]}.` : ''}(${call[3]})'`;
  return summary;
}

/** An issue as cel-go prints it: `ERROR: <input>:L:C: message`, the source line and a caret under the column. */
export function celGoIssue(expression: string, error: unknown): string {
  const e = error as { summary?: string; message?: string; range?: { start?: number } };
  const summary = celGoSummary(e.summary ?? String(e.message ?? error).split('\n')[0]!);
  let pos = e.range?.start;
  if (typeof pos !== 'number') return `ERROR: <input>: ${summary}`;
  // cel-go places a field selection at its dot, cel-js at the field's name.
  if (summary.startsWith('undefined field') && expression[pos - 1] === '.') pos--;
  const lineStart = expression.lastIndexOf('\n', pos - 1) + 1;
  const lineEnd = expression.indexOf('\n', pos);
  const line = expression.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  const lineNo = expression.slice(0, lineStart).split('\n').length;
  const col = pos - lineStart;
  return `ERROR: <input>:${lineNo}:${col + 1}: ${summary}\n | ${line}\n | ${'.'.repeat(col)}^`;
}
