import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  escapeFieldValue,
  type FieldRequirement,
  FieldSelector,
  FieldSelectorError,
  parseFieldSelector,
  unescapeFieldValue,
} from "../src/field-selector.js";

function errorOf(fn: () => unknown): FieldSelectorError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FieldSelectorError) return err;
    throw err;
  }
  throw new Error("expected a FieldSelectorError");
}

describe("parseFieldSelector", () => {
  it.each([
    ["", ""],
    [",,", ""],
    ["metadata.name=foo", "metadata.name=foo"],
    ["metadata.name==foo", "metadata.name=foo"],
    ["status.phase!=Running,metadata.name=foo", "metadata.name=foo,status.phase!=Running"],
    ["b=1,,a==2", "a=2,b=1"],
    ["spec.nodeName=", "spec.nodeName="],
    ["a=x\\,y\\=z\\\\", "a=x\\,y\\=z\\\\"],
    ["a!=!", "a!=!"],
  ])("%j -> %j", (input, canonical) => {
    expect(parseFieldSelector(input).toString()).toBe(canonical);
  });

  it("unescapes values", () => {
    expect(parseFieldSelector("a=x\\,y\\=z\\\\").requirements).toEqual([
      { field: "a", operator: "=", value: "x,y=z\\" },
    ]);
  });

  it.each([
    ["a", "invalid selector: 'a'; can't understand 'a'"],
    ["a=1,b", "invalid selector: 'a=1,b'; can't understand 'b'"],
    ["a=b=c", "invalid field selector: unescaped character in value: ="],
    ["a=b\\", "invalid field selector: invalid escape sequence: \\"],
    ["a=\\x", "invalid field selector: invalid escape sequence: \\x"],
  ])("rejects %j", (input, message) => {
    const err = errorOf(() => parseFieldSelector(input));
    expect(err.message).toBe(message);
    expect(err.input).toBe(input);
  });
});

describe("FieldSelector", () => {
  it("matches with a missing field read as empty", () => {
    const sel = parseFieldSelector("metadata.name=foo,status.phase!=Running");
    expect(sel.matches({ "metadata.name": "foo", "status.phase": "Pending" })).toBe(true);
    expect(sel.matches({ "metadata.name": "foo", "status.phase": "Running" })).toBe(false);
    expect(sel.matches({ "metadata.name": "foo" })).toBe(true);
    expect(sel.matches({})).toBe(false);
    // The scheduler's query for unscheduled pods.
    expect(parseFieldSelector("spec.nodeName=").matches({})).toBe(true);
    expect(parseFieldSelector("spec.nodeName=").matches({ "spec.nodeName": "n1" })).toBe(false);
  });

  it("is everything when empty", () => {
    expect(parseFieldSelector("").isEverything()).toBe(true);
    expect(FieldSelector.everything().matches({ a: "b" })).toBe(true);
    expect(parseFieldSelector("a=b").isEverything()).toBe(false);
  });

  it("reports the value a field is pinned to", () => {
    const sel = parseFieldSelector("spec.nodeName=n1,metadata.name!=x");
    expect(sel.requiresExactMatch("spec.nodeName")).toBe("n1");
    expect(sel.requiresExactMatch("metadata.name")).toBeUndefined();
    expect(sel.requiresExactMatch("status.phase")).toBeUndefined();
    expect(parseFieldSelector("spec.nodeName==").requiresExactMatch("spec.nodeName")).toBe("");
  });

  it("builds from a set and transforms fields", () => {
    const sel = FieldSelector.fromSet({ "metadata.name": "a,b" });
    expect(sel.toString()).toBe("metadata.name=a\\,b");
    const renamed = parseFieldSelector("spec.host=n1").transform((field, value) => ({
      field: field === "spec.host" ? "spec.nodeName" : field,
      value,
    }));
    expect(renamed.toString()).toBe("spec.nodeName=n1");
  });

  it("escapes and unescapes values", () => {
    expect(escapeFieldValue("a\\b,c=d")).toBe("a\\\\b\\,c\\=d");
    expect(unescapeFieldValue("a\\\\b\\,c\\=d")).toBe("a\\b,c=d");
  });
});

const FIELDS = ["metadata.name", "metadata.namespace", "spec.nodeName", "status.phase", "a"];
const value = fc.oneof(fc.constantFrom("", "foo", "Running", "a,b", "x=y", "\\", "!", "=="), fc.string());

const requirement: fc.Arbitrary<FieldRequirement> = fc.record({
  field: fc.constantFrom(...FIELDS),
  operator: fc.constantFrom<FieldRequirement["operator"]>("=", "!="),
  value,
});

const fieldSet = fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 5 });

// Kubernetes' semantics, written out: a missing field has the value "".
function referenceMatches(reqs: readonly FieldRequirement[], fields: Record<string, string>): boolean {
  return reqs.every((r) => ((fields[r.field] ?? "") === r.value) === (r.operator === "="));
}

describe("field selector properties", () => {
  it("escaping round-trips any string", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(unescapeFieldValue(escapeFieldValue(s))).toBe(s);
      }),
    );
  });

  it("parse(toString(s)) keeps every requirement and matches the same", () => {
    fc.assert(
      fc.property(
        fc.array(requirement, { maxLength: 5 }),
        fc.array(fieldSet, { maxLength: 5 }),
        (reqs, sets) => {
          const sel = FieldSelector.of(reqs);
          const parsed = parseFieldSelector(sel.toString());
          const key = (r: FieldRequirement) => JSON.stringify([r.field, r.operator, r.value]);
          expect(parsed.requirements.map(key).sort()).toEqual(reqs.map(key).sort());
          expect(parseFieldSelector(parsed.toString()).toString()).toBe(parsed.toString());
          for (const fields of sets) {
            expect(parsed.matches(fields)).toBe(referenceMatches(reqs, fields));
            expect(sel.matches(fields)).toBe(referenceMatches(reqs, fields));
          }
        },
      ),
    );
  });

  it("requiresExactMatch returns a value that the selector demands", () => {
    fc.assert(
      fc.property(fc.array(requirement, { maxLength: 5 }), fc.constantFrom(...FIELDS), (reqs, field) => {
        const pinned = FieldSelector.of(reqs).requiresExactMatch(field);
        const expected = reqs.find((r) => r.field === field && r.operator === "=")?.value;
        expect(pinned).toBe(expected);
      }),
    );
  });
});
