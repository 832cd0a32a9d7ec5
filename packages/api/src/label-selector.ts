// Label selectors, as k8s.io/apimachinery/pkg/labels: the string form of `?labelSelector=` and
// `kubectl -l`, and the API form `{matchLabels, matchExpressions}` of Deployments, Services and Jobs.

import { isQualifiedName, isValidLabelValue } from "./names.js";

/** The operators of a requirement, spelled as Kubernetes' selection.Operator. */
export type LabelOperator = "in" | "notin" | "=" | "==" | "!=" | "exists" | "!" | "gt" | "lt";

/** One condition on one label; a selector is the AND of its requirements. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Sorted and without duplicates. */
  readonly values: readonly string[];
}

/** The API form of a label selector (metav1.LabelSelector). */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: readonly LabelSelectorObjectRequirement[] | null;
}

export interface LabelSelectorObjectRequirement {
  key: string;
  operator: string;
  values?: readonly string[] | null;
}

/** A selector that cannot be parsed or built; the message is Kubernetes' own. */
export class LabelSelectorError extends Error {
  constructor(
    /** The offending selector text, or the JSON of the offending API object. */
    readonly input: string,
    message: string,
  ) {
    super(message);
    this.name = "LabelSelectorError";
  }
}

const BINARY_OPERATORS = ["in", "notin", "=", "==", "!=", "gt", "lt"];

// Go's %q is close enough to JSON for the ASCII text these messages quote.
function quoteValue(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}

function invalid(path: string, value: unknown, detail: string): string {
  return `${path}: Invalid value: ${quoteValue(value)}: ${detail}`;
}

// Kubernetes aggregates several field errors as "[a, b]".
function aggregate(errors: string[]): string {
  return errors.length === 1 ? errors[0]! : `[${errors.join(", ")}]`;
}

function keyError(key: string): string | undefined {
  const errs = isQualifiedName(key);
  return errs.length === 0 ? undefined : invalid("key", key, errs.join("; "));
}

function isInt64(text: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(text)) return false;
  const n = BigInt(text);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareStrings);
}

// Go compares strings byte-wise; for the label alphabet that is code-unit order.
function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/**
 * Builds one requirement, checking it as Kubernetes' NewRequirement does. `rawValues` is how the
 * values are shown in an error (Kubernetes prints a missing list as null).
 */
export function newLabelRequirement(
  key: string,
  operator: LabelOperator,
  values: readonly string[],
  rawValues: readonly string[] | null = values,
): LabelRequirement {
  const errs: string[] = [];
  const bad = keyError(key);
  if (bad) errs.push(bad);
  switch (operator) {
    case "in":
    case "notin":
      if (values.length === 0) {
        errs.push(invalid("values", rawValues, "for 'in', 'notin' operators, values set can't be empty"));
      }
      break;
    case "=":
    case "==":
    case "!=":
      if (values.length !== 1) {
        errs.push(invalid("values", rawValues, "exact-match compatibility requires one single value"));
      }
      break;
    case "exists":
    case "!":
      if (values.length !== 0) {
        errs.push(invalid("values", rawValues, "values set must be empty for exists and does not exist"));
      }
      break;
    case "gt":
    case "lt":
      if (values.length !== 1) {
        errs.push(invalid("values", rawValues, "for 'Gt', 'Lt' operators, exactly one value is required"));
      }
      values.forEach((v, i) => {
        if (!isInt64(v)) {
          errs.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length > 0) errs.push(invalid(`values[${i}][${key}]`, v, msgs.join("; ")));
  });
  if (errs.length > 0) throw new LabelSelectorError(key, aggregate(errs));
  return { key, operator, values: sortedUnique(values) };
}

function requirementMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case "in":
    case "=":
    case "==":
      return has && r.values.includes(labels[r.key]!);
    case "notin":
    case "!=":
      return !has || !r.values.includes(labels[r.key]!);
    case "exists":
      return has;
    case "!":
      return !has;
    case "gt":
    case "lt": {
      const actual = labels[r.key];
      if (!has || actual === undefined || !isInt64(actual)) return false;
      const diff = BigInt(actual) - BigInt(r.values[0]!);
      return r.operator === "gt" ? diff > 0n : diff < 0n;
    }
  }
}

function requirementToString(r: LabelRequirement): string {
  switch (r.operator) {
    case "exists":
      return r.key;
    case "!":
      return `!${r.key}`;
    case "in":
    case "notin":
      return `${r.key} ${r.operator} (${r.values.join(",")})`;
    case "gt":
      return `${r.key}>${r.values[0]}`;
    case "lt":
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

/** A parsed label selector: requirements sorted by key, all of which must hold. */
export class LabelSelectorMatcher {
  private constructor(
    readonly requirements: readonly LabelRequirement[],
    private readonly selectsNothing = false,
  ) {}

  private static readonly all = new LabelSelectorMatcher([]);
  private static readonly none = new LabelSelectorMatcher([], true);

  /** Matches every label set: the empty selector. */
  static everything(): LabelSelectorMatcher {
    return LabelSelectorMatcher.all;
  }

  /** Matches nothing: what a null API selector means. */
  static nothing(): LabelSelectorMatcher {
    return LabelSelectorMatcher.none;
  }

  static of(requirements: readonly LabelRequirement[]): LabelSelectorMatcher {
    const sorted = [...requirements].sort((a, b) => compareStrings(a.key, b.key));
    return new LabelSelectorMatcher(sorted);
  }

  /** Parses the string form, e.g. `app=web,tier in (a,b),!canary`; throws LabelSelectorError. */
  static parse(selector: string): LabelSelectorMatcher {
    return LabelSelectorMatcher.of(new Parser(selector).parse());
  }

  /** The selector that matches exactly these labels (Kubernetes' SelectorFromSet); not validated. */
  static fromSet(labels: Record<string, string> | null | undefined): LabelSelectorMatcher {
    const reqs = Object.entries(labels ?? {}).map(
      ([key, value]): LabelRequirement => ({ key, operator: "=", values: [value] }),
    );
    return LabelSelectorMatcher.of(reqs);
  }

  /**
   * Converts the API form as Kubernetes' LabelSelectorAsSelector: null selects nothing, an empty
   * selector selects everything.
   */
  static fromObject(obj: LabelSelectorObject | null | undefined): LabelSelectorMatcher {
    if (obj === null || obj === undefined) return LabelSelectorMatcher.nothing();
    const reqs: LabelRequirement[] = [];
    try {
      for (const [key, value] of Object.entries(obj.matchLabels ?? {})) {
        reqs.push(newLabelRequirement(key, "=", [value]));
      }
      for (const expr of obj.matchExpressions ?? []) {
        const operator = OBJECT_OPERATORS[expr.operator];
        if (!operator || !Object.hasOwn(OBJECT_OPERATORS, expr.operator)) {
          throw new LabelSelectorError(
            expr.operator,
            `${quoteValue(expr.operator)} is not a valid label selector operator`,
          );
        }
        const values = expr.values ?? [];
        reqs.push(newLabelRequirement(expr.key, operator, values, values.length === 0 ? null : values));
      }
    } catch (err) {
      if (err instanceof LabelSelectorError) throw new LabelSelectorError(JSON.stringify(obj), err.message);
      throw err;
    }
    return LabelSelectorMatcher.of(reqs);
  }

  matches(labels: Record<string, string> | null | undefined): boolean {
    if (this.selectsNothing) return false;
    const set = labels ?? {};
    return this.requirements.every((r) => requirementMatches(r, set));
  }

  /** True when the selector does not restrict anything (Kubernetes' Empty()). */
  isEverything(): boolean {
    return !this.selectsNothing && this.requirements.length === 0;
  }

  isNothing(): boolean {
    return this.selectsNothing;
  }

  /** The value a label must have, when the selector pins it with `=`, `==` or `in` of one value. */
  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((req) => req.key === key);
    if (!r) return undefined;
    const exact = r.operator === "=" || r.operator === "==" || r.operator === "in";
    return exact && r.values.length === 1 ? r.values[0] : undefined;
  }

  /** A new selector with these requirements added. */
  add(...requirements: LabelRequirement[]): LabelSelectorMatcher {
    if (this.selectsNothing) return this;
    return LabelSelectorMatcher.of([...this.requirements, ...requirements]);
  }

  /** Kubernetes' canonical text: requirements by key, values sorted, e.g. `a in (x,y),b!=z,!c`. */
  toString(): string {
    return this.requirements.map(requirementToString).join(",");
  }
}

const OBJECT_OPERATORS: Record<string, LabelOperator> = {
  In: "in",
  NotIn: "notin",
  Exists: "exists",
  DoesNotExist: "!",
};

type TokenKind =
  | "end"
  | "identifier"
  | "("
  | ")"
  | ","
  | "!"
  | "="
  | "=="
  | "!="
  | ">"
  | "<"
  | "in"
  | "notin";

interface Token {
  kind: TokenKind;
  text: string;
}

const SYMBOLS = new Set(["(", ")", ",", "!", "=", "==", "!=", ">", "<"]);
const SPECIAL = "=!(),><";
const WHITESPACE = " \t\r\n";

// Splits the selector as Kubernetes' lexer does: runs of operator characters become the longest
// operator they start with; anything else up to whitespace or an operator is a word.
function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    while (pos < input.length && WHITESPACE.includes(input[pos]!)) pos++;
    if (pos >= input.length) {
      tokens.push({ kind: "end", text: "" });
      return tokens;
    }
    if (SPECIAL.includes(input[pos]!)) {
      const two = input.slice(pos, pos + 2);
      const text = SYMBOLS.has(two) ? two : input[pos]!;
      tokens.push({ kind: text as TokenKind, text });
      pos += text.length;
      continue;
    }
    const start = pos;
    while (pos < input.length && !SPECIAL.includes(input[pos]!) && !WHITESPACE.includes(input[pos]!)) pos++;
    const text = input.slice(start, pos);
    tokens.push({ kind: text === "in" || text === "notin" ? text : "identifier", text });
  }
}

class Parser {
  private readonly tokens: Token[];
  private position = 0;

  constructor(private readonly input: string) {
    this.tokens = tokenize(input);
  }

  private fail(message: string): never {
    throw new LabelSelectorError(this.input, message);
  }

  // Where a value is expected, the keywords `in` and `notin` are plain words.
  private peek(asValue = true): Token {
    const t = this.tokens[this.position]!;
    return asValue && (t.kind === "in" || t.kind === "notin") ? { kind: "identifier", text: t.text } : t;
  }

  private next(asValue = true): Token {
    const t = this.peek(asValue);
    this.position++;
    return t;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === "end") return reqs;
      if (t.kind !== "identifier" && t.kind !== "!") {
        this.fail(`found '${t.text}', expected: !, identifier, or 'end of string'`);
      }
      reqs.push(this.requirement());
      const after = this.next();
      if (after.kind === "end") return reqs;
      if (after.kind !== ",") this.fail(`found '${after.text}', expected: ',' or 'end of string'`);
      const following = this.peek();
      if (following.kind !== "identifier" && following.kind !== "!") {
        this.fail(`found '${following.text}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): LabelRequirement {
    const wrap = (message: string): never => this.fail(`unable to parse requirement: ${message}`);
    let t = this.next();
    const negated = t.kind === "!";
    if (negated) t = this.next();
    if (t.kind !== "identifier") return wrap(`found '${t.text}', expected: identifier`);
    const key = t.text;
    // Kubernetes reports a bad key here with the path "<nil>"; we name it "key", as elsewhere.
    const badKey = keyError(key);
    if (badKey) return wrap(badKey);
    const ahead = this.peek().kind;
    const build = (op: LabelOperator, values: string[]): LabelRequirement => {
      try {
        return newLabelRequirement(key, op, values);
      } catch (err) {
        if (err instanceof LabelSelectorError) return wrap(err.message);
        throw err;
      }
    };
    if (negated || ahead === "end" || ahead === ",") return build(negated ? "!" : "exists", []);
    const op = this.next(false);
    switch (op.kind) {
      case "in":
      case "notin":
        return build(op.kind, this.valueSet(wrap));
      case "=":
      case "==":
      case "!=":
        return build(op.kind, [this.exactValue(wrap)]);
      case ">":
        return build("gt", [this.exactValue(wrap)]);
      case "<":
        return build("lt", [this.exactValue(wrap)]);
      default:
        return wrap(`found '${op.text}', expected: ${BINARY_OPERATORS.join(", ")}`);
    }
  }

  private exactValue(wrap: (message: string) => never): string {
    const ahead = this.peek();
    if (ahead.kind === "end" || ahead.kind === ",") return "";
    const t = this.next();
    if (t.kind !== "identifier") return wrap(`found '${t.text}', expected: identifier`);
    return t.text;
  }

  // `(a,b)`; empty entries, as in `()` or `(a,,b)`, are the empty value, as in Kubernetes.
  private valueSet(wrap: (message: string) => never): string[] {
    const open = this.next();
    if (open.kind !== "(") return wrap(`found '${open.text}' expected: '('`);
    const first = this.peek();
    if (first.kind === ")") {
      this.next();
      return [""];
    }
    if (first.kind !== "identifier" && first.kind !== ",") {
      return wrap(`found '${first.text}', expected: ',', ')' or identifier`);
    }
    const values: string[] = [];
    let expectValue = true;
    for (;;) {
      const t = this.next();
      if (t.kind === "identifier" && expectValue) {
        values.push(t.text);
        const ahead = this.peek();
        if (ahead.kind === ")") break;
        if (ahead.kind !== ",") return wrap(`found '${ahead.text}', expected: ',' or ')'`);
        expectValue = false;
      } else if (t.kind === ",") {
        if (expectValue) values.push("");
        expectValue = true;
        if (this.peek().kind === ")") {
          values.push("");
          break;
        }
      } else {
        return wrap(`found '${t.text}', expected: ',', or identifier`);
      }
    }
    this.next();
    return values;
  }
}

export function parseLabelSelector(selector: string): LabelSelectorMatcher {
  return LabelSelectorMatcher.parse(selector);
}

export function selectorFromSet(labels: Record<string, string> | null | undefined): LabelSelectorMatcher {
  return LabelSelectorMatcher.fromSet(labels);
}

export function labelSelectorFromObject(obj: LabelSelectorObject | null | undefined): LabelSelectorMatcher {
  return LabelSelectorMatcher.fromObject(obj);
}

/** The string form of an API selector, e.g. for Scale.status.selector; throws LabelSelectorError. */
export function labelSelectorToString(obj: LabelSelectorObject | null | undefined): string {
  return LabelSelectorMatcher.fromObject(obj).toString();
}
