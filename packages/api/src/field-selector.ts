// Field selectors, as k8s.io/apimachinery/pkg/fields: `?fieldSelector=metadata.name=foo,status.phase!=Running`.
// Only equality and inequality exist; values escape `\`, `,` and `=` with a backslash.

/** `=` and `==` mean the same and are both kept as `=`. */
export type FieldOperator = "=" | "!=";

export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  readonly value: string;
}

/** A field selector that cannot be parsed; the message is Kubernetes' own. */
export class FieldSelectorError extends Error {
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
    this.name = "FieldSelectorError";
  }
}

/** Escapes a literal value for use in a field selector (Kubernetes' fields.EscapeValue). */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Reverses escapeFieldValue; throws FieldSelectorError on a bad escape or a bare `,` or `=`. */
export function unescapeFieldValue(value: string): string {
  let out = "";
  let escaped = false;
  for (const c of value) {
    if (escaped) {
      if (c !== "\\" && c !== "," && c !== "=") {
        throw new FieldSelectorError(value, `invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      escaped = false;
    } else if (c === "\\") {
      escaped = true;
    } else if (c === "," || c === "=") {
      // Kubernetes prints the character's code point here; we print the character.
      throw new FieldSelectorError(value, `invalid field selector: unescaped character in value: ${c}`);
    } else {
      out += c;
    }
  }
  if (escaped) throw new FieldSelectorError(value, "invalid field selector: invalid escape sequence: \\");
  return out;
}

// Splits on commas that are not escaped; the terms keep their backslashes.
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (escaped) escaped = false;
    else if (c === "\\") escaped = true;
    else if (c === ",") {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

// The field name is never escaped, so the first operator in the term splits it; `==` is tried before
// `=` so that it does not leave a leading `=` on the value.
function splitTerm(term: string): { field: string; operator: FieldOperator; rest: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ["!=", "==", "="]) {
      if (term.startsWith(op, i)) {
        return {
          field: term.slice(0, i),
          operator: op === "!=" ? "!=" : "=",
          rest: term.slice(i + op.length),
        };
      }
    }
  }
  return undefined;
}

/** A parsed field selector: all requirements must hold; a missing field reads as "". */
export class FieldSelector {
  private constructor(readonly requirements: readonly FieldRequirement[]) {}

  private static readonly all = new FieldSelector([]);

  static everything(): FieldSelector {
    return FieldSelector.all;
  }

  static of(requirements: readonly FieldRequirement[]): FieldSelector {
    return new FieldSelector([...requirements]);
  }

  /** The selector requiring each of these fields to equal its value. */
  static fromSet(fields: Record<string, string>): FieldSelector {
    return new FieldSelector(
      Object.entries(fields).map(([field, value]) => ({ field, operator: "=", value })),
    );
  }

  /** Parses the string form; terms are sorted as Kubernetes sorts them. Throws FieldSelectorError. */
  static parse(selector: string): FieldSelector {
    if (selector === "") return FieldSelector.all;
    const terms = splitTerms(selector).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const reqs: FieldRequirement[] = [];
    for (const term of terms) {
      if (term === "") continue;
      const parts = splitTerm(term);
      if (!parts) {
        throw new FieldSelectorError(selector, `invalid selector: '${selector}'; can't understand '${term}'`);
      }
      let value: string;
      try {
        value = unescapeFieldValue(parts.rest);
      } catch (err) {
        if (err instanceof FieldSelectorError) throw new FieldSelectorError(selector, err.message);
        throw err;
      }
      reqs.push({ field: parts.field, operator: parts.operator, value });
    }
    return new FieldSelector(reqs);
  }

  matches(fields: Record<string, string>): boolean {
    return this.requirements.every((r) => {
      const actual = Object.hasOwn(fields, r.field) ? fields[r.field] : "";
      return r.operator === "=" ? actual === r.value : actual !== r.value;
    });
  }

  isEverything(): boolean {
    return this.requirements.length === 0;
  }

  /** The value `field` must equal, when a requirement pins it with `=` (used to pick an index). */
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === "=")?.value;
  }

  /**
   * A new selector with each requirement's field and value rewritten, as the apiserver does to map
   * a field label onto the field it stands for.
   */
  transform(fn: (field: string, value: string) => { field: string; value: string }): FieldSelector {
    return new FieldSelector(
      this.requirements.map((r) => ({ ...fn(r.field, r.value), operator: r.operator })),
    );
  }

  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(",");
  }
}

export function parseFieldSelector(selector: string): FieldSelector {
  return FieldSelector.parse(selector);
}
