/**
 * kubectl's JSONPath templates (`-o jsonpath=...`, custom-columns): literal text with `{...}`
 * expressions: `.a.b`, `['a']`, `[0]`, `[-1:]`, `[*]`, `..name`, `[?(@.type=="Ready")]`,
 * unions `[0,2]`, string literals `{"\n"}`, and `{range EXPR}...{end}`. Results of one
 * expression print separated by spaces; strings raw, objects and lists as compact JSON.
 */

type Segment =
  | { kind: "field"; names: string[] }
  | { kind: "recursive"; name: string }
  | { kind: "wildcard" }
  | { kind: "index"; indices: number[] }
  | { kind: "slice"; start?: number; end?: number; step?: number }
  | { kind: "filter"; left: Path; op?: string; right?: Path | { literal: unknown } };

interface Path {
  root: "$" | "@";
  segments: Segment[];
}

type Node =
  | { kind: "text"; text: string }
  | { kind: "path"; path: Path }
  | { kind: "literal"; text: string }
  | { kind: "range"; path: Path; body: Node[] };

export class JsonPathError extends Error {}

export class JsonPath {
  private readonly nodes: Node[];

  constructor(
    readonly template: string,
    private readonly allowMissingKeys = true,
  ) {
    this.nodes = parseTemplate(template);
  }

  /** The template's text for `data`. */
  execute(data: unknown): string {
    return this.run(this.nodes, data, data);
  }

  /** The values an expression finds (custom-columns and --sort-by need them unprinted). */
  find(data: unknown): unknown[] {
    const out: unknown[] = [];
    for (const node of this.nodes) if (node.kind === "path") out.push(...evaluate(node.path, data, data));
    return out;
  }

  private run(nodes: Node[], root: unknown, current: unknown): string {
    let out = "";
    for (const node of nodes) {
      if (node.kind === "text" || node.kind === "literal") out += node.text;
      else if (node.kind === "path") {
        const values = evaluate(node.path, root, current);
        if (values.length === 0 && !this.allowMissingKeys) {
          throw new JsonPathError(`${describePath(node.path)} is not found`);
        }
        out += values.map(printValue).join(" ");
      } else {
        for (const item of evaluate(node.path, root, current)) out += this.run(node.body, root, item);
      }
    }
    return out;
  }
}

export function printValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function describePath(path: Path): string {
  const last = [...path.segments].reverse().find((s) => s.kind === "field" || s.kind === "recursive");
  if (last?.kind === "field") return last.names.join(",");
  if (last?.kind === "recursive") return last.name;
  return "value";
}

function parseTemplate(template: string): Node[] {
  const top: Node[] = [];
  const stack: Node[][] = [top];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf("{", i);
    if (open < 0) {
      stack.at(-1)!.push({ kind: "text", text: template.slice(i) });
      break;
    }
    if (open > i) stack.at(-1)!.push({ kind: "text", text: template.slice(i, open) });
    const close = findClose(template, open);
    const inner = template.slice(open + 1, close).trim();
    i = close + 1;
    if (inner === "end") {
      if (stack.length === 1) throw new JsonPathError(`unexpected {end} in ${template}`);
      stack.pop();
    } else if (inner.startsWith("range ")) {
      const node: Node = { kind: "range", path: parsePath(inner.slice(6).trim()), body: [] };
      stack.at(-1)!.push(node);
      stack.push(node.body);
    } else if (inner.startsWith('"') || inner.startsWith("'")) {
      stack.at(-1)!.push({ kind: "literal", text: unquote(inner) });
    } else {
      stack.at(-1)!.push({ kind: "path", path: parsePath(inner) });
    }
  }
  if (stack.length > 1) throw new JsonPathError(`unclosed range in ${template}`);
  return top;
}

function findClose(text: string, open: number): number {
  let quote: string | undefined;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "}") return i;
  }
  throw new JsonPathError(`unclosed action in ${text}`);
}

function unquote(text: string): string {
  const q = text[0]!;
  const body = text.slice(1, text.endsWith(q) ? -1 : undefined);
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: "\n", t: "\t", r: "\r" })[c] ?? c);
}

function parsePath(text: string): Path {
  let i = 0;
  let root: "$" | "@" = "$";
  if (text[0] === "$" || text[0] === "@") {
    root = text[0];
    i = 1;
  }
  const segments: Segment[] = [];
  while (i < text.length) {
    const c = text[i];
    if (c === ".") {
      if (text[i + 1] === ".") {
        const m = /^[^.[\s]*/.exec(text.slice(i + 2))![0];
        segments.push({ kind: "recursive", name: m });
        i += 2 + m.length;
        continue;
      }
      const m = /^[^.[\s]*/.exec(text.slice(i + 1))![0];
      i += 1 + m.length;
      if (m === "*") segments.push({ kind: "wildcard" });
      else if (m !== "") segments.push({ kind: "field", names: [m] });
    } else if (c === "[") {
      const close = matchBracket(text, i);
      segments.push(parseBracket(text.slice(i + 1, close).trim()));
      i = close + 1;
    } else if (c === " ") {
      i++;
    } else {
      // A bare first field, as custom-columns allows (`metadata.name`).
      const m = /^[^.[\s]*/.exec(text.slice(i))![0];
      segments.push({ kind: "field", names: [m] });
      i += m.length;
    }
  }
  return { root, segments };
}

function matchBracket(text: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "(") depth++;
    else if (c === "]" || c === ")") {
      depth--;
      if (depth === 0 && c === "]") return i;
    }
  }
  throw new JsonPathError(`unterminated array in ${text}`);
}

function parseBracket(inner: string): Segment {
  if (inner === "*") return { kind: "wildcard" };
  if (inner.startsWith("?(") && inner.endsWith(")")) return parseFilter(inner.slice(2, -1).trim());
  if (inner.includes(":")) {
    const [s, e, st] = inner.split(":").map((p) => (p.trim() === "" ? undefined : Number(p)));
    return { kind: "slice", start: s, end: e, step: st };
  }
  const parts = inner.split(",").map((p) => p.trim());
  if (parts.every((p) => /^-?\d+$/.test(p))) return { kind: "index", indices: parts.map(Number) };
  return {
    kind: "field",
    names: parts.map((p) => (p.startsWith("'") || p.startsWith('"') ? unquote(p) : p)),
  };
}

function parseFilter(expr: string): Segment {
  const m = /^(.*?)\s*(==|!=|<=|>=|<|>|=~)\s*(.*)$/.exec(expr);
  if (!m) return { kind: "filter", left: parsePath(expr) };
  const rightText = m[3]!.trim();
  let right: Path | { literal: unknown };
  if (rightText.startsWith('"') || rightText.startsWith("'")) right = { literal: unquote(rightText) };
  else if (/^-?\d+(\.\d+)?$/.test(rightText)) right = { literal: Number(rightText) };
  else if (rightText === "true" || rightText === "false") right = { literal: rightText === "true" };
  else right = parsePath(rightText);
  return { kind: "filter", left: parsePath(m[1]!.trim()), op: m[2]!, right };
}

function evaluate(path: Path, root: unknown, current: unknown): unknown[] {
  let values: unknown[] = [path.root === "@" ? current : current];
  for (const seg of path.segments) values = values.flatMap((v) => step(seg, v, root));
  return values;
}

function step(seg: Segment, value: unknown, root: unknown): unknown[] {
  switch (seg.kind) {
    case "field":
      if (!isObject(value)) return [];
      return seg.names.filter((n) => Object.hasOwn(value, n)).map((n) => value[n]);
    case "wildcard":
      if (Array.isArray(value)) return value;
      return isObject(value) ? Object.values(value) : [];
    case "recursive":
      return recurse(value, seg.name);
    case "index": {
      if (!Array.isArray(value)) return [];
      const out: unknown[] = [];
      for (const n of seg.indices) {
        const idx = n < 0 ? value.length + n : n;
        if (idx < 0 || idx >= value.length)
          throw new JsonPathError(`array index out of bounds: index ${n}, length ${value.length}`);
        out.push(value[idx]);
      }
      return out;
    }
    case "slice": {
      if (!Array.isArray(value)) return [];
      const len = value.length;
      const norm = (n: number | undefined, dflt: number) =>
        n === undefined ? dflt : Math.min(len, Math.max(0, n < 0 ? len + n : n));
      const start = norm(seg.start, 0);
      const end = norm(seg.end, len);
      const stepBy = seg.step && seg.step > 0 ? seg.step : 1;
      const out: unknown[] = [];
      for (let i = start; i < end; i += stepBy) out.push(value[i]);
      return out;
    }
    case "filter": {
      const items = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [];
      return items.filter((item) => {
        const left = evaluate(seg.left, root, item);
        if (!seg.op) return left.length > 0 && left[0] !== false && left[0] !== null;
        const right =
          seg.right && "literal" in seg.right ? [seg.right.literal] : evaluate(seg.right as Path, root, item);
        if (left.length === 0 || right.length === 0) return false;
        return compare(left[0], seg.op, right[0]);
      });
    }
  }
}

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case "==":
      return a === b || String(a) === String(b);
    case "!=":
      return !(a === b || String(a) === String(b));
    case "<":
      return Number(a) < Number(b);
    case ">":
      return Number(a) > Number(b);
    case "<=":
      return Number(a) <= Number(b);
    case ">=":
      return Number(a) >= Number(b);
    case "=~":
      return new RegExp(String(b)).test(String(a));
  }
  return false;
}

function recurse(value: unknown, name: string): unknown[] {
  const out: unknown[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v)) {
      if (name === "" || name === "*") out.push(v);
      else if (Object.hasOwn(v, name)) out.push(v[name]);
      Object.values(v).forEach(visit);
    }
  };
  visit(value);
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** kubectl's RelaxedJSONPathExpression: `.a.b`, `a.b` and `{.a.b}` all mean `{.a.b}`. */
export function relaxedTemplate(expr: string): string {
  const t = expr.trim();
  if (t.startsWith("{") && t.endsWith("}")) return t;
  return `{${t.startsWith(".") || t.startsWith("$") || t.startsWith("[") ? t : `.${t}`}}`;
}
