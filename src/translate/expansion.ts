// Kubernetes' $(VAR) expansion (third_party/forked/golang/expansion): `$(NAME)` is replaced
// when NAME is known, stays literal otherwise; `$$` is an escaped `$`; any other `$` is literal.

export type Mapping = (name: string) => string;

/** A mapping that looks names up in each context in order and leaves unknown references as written. */
export function mappingFor(...contexts: (ReadonlyMap<string, string> | Record<string, string>)[]): Mapping {
  return (name) => {
    for (const ctx of contexts) {
      if (ctx instanceof Map) {
        if (ctx.has(name)) return ctx.get(name) as string;
      } else if (Object.prototype.hasOwnProperty.call(ctx, name)) return (ctx as Record<string, string>)[name];
    }
    return `$(${name})`;
  };
}

export function expand(input: string, mapping: Mapping): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let advance = 1;
    if (rest[0] === '$') out += '$';
    else if (rest[0] === '(') {
      const close = rest.indexOf(')', 1);
      if (close >= 0) {
        out += mapping(rest.slice(1, close));
        advance = close + 1;
      } else out += '$('; // an unterminated reference is kept as text
    } else out += `$${rest[0]}`;
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** command and args expanded with the container's final environment, as kubelet does before creating it. */
export function expandCommandAndArgs(command: string[] | undefined, args: string[] | undefined, env: ReadonlyMap<string, string>) {
  const m = mappingFor(env);
  return { command: command?.map((c) => expand(c, m)), args: args?.map((a) => expand(a, m)) };
}
