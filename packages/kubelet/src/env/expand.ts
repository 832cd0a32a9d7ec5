/**
 * Kubernetes' $(VAR) expansion (third_party/forked/golang/expansion): `$(NAME)` becomes the value
 * of the first map that defines NAME, an undefined one stays as written, `$$` is one literal `$`,
 * and any other `$` is left alone.
 */
export function expand(text: string, ...maps: Record<string, string>[]): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch !== "$" || i + 1 >= text.length) {
      out += ch;
      i++;
      continue;
    }
    const next = text[i + 1]!;
    if (next === "$") {
      out += "$";
      i += 2;
      continue;
    }
    const close = next === "(" ? text.indexOf(")", i + 2) : -1;
    if (close < 0) {
      // Not a reference ("$x", or "$(" never closed): both characters stay as written.
      out += ch + next;
      i += 2;
      continue;
    }
    const name = text.slice(i + 2, close);
    const map = maps.find((m) => Object.hasOwn(m, name));
    out += map ? map[name]! : `$(${name})`;
    i = close + 1;
  }
  return out;
}
