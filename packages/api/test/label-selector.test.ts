import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type LabelOperator,
  type LabelRequirement,
  LabelSelectorError,
  LabelSelectorMatcher,
  labelSelectorFromObject,
  labelSelectorToString,
  newLabelRequirement,
  parseLabelSelector,
  selectorFromSet,
} from "../src/label-selector.js";

function errorOf(fn: () => unknown): LabelSelectorError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LabelSelectorError) return err;
    throw err;
  }
  throw new Error("expected a LabelSelectorError");
}

describe("parseLabelSelector", () => {
  // Canonical forms as Kubernetes prints them (labels.Parse(...).String()).
  it.each([
    ["", ""],
    ["x=a", "x=a"],
    ["y==b", "y==b"],
    ["x!=a,y=b", "x!=a,y=b"],
    ["z=c,y=b,x=a", "x=a,y=b,z=c"],
    ["x=,z= ", "x=,z="],
    ["x= ,z= ", "x=,z="],
    ["x", "x"],
    ["!x", "!x"],
    [" ! x ", "!x"],
    ["x>1", "x>1"],
    ["x>1,z<5", "x>1,z<5"],
    ["x in (b,a)", "x in (a,b)"],
    ["x in(a ,b,a) ", "x in (a,b)"],
    ["x notin (a)", "x notin (a)"],
    ["x in ()", "x in ()"],
    ["x in (,a)", "x in (,a)"],
    ["x in (a,,b)", "x in (,a,b)"],
    ["z=c, x in (b,a), !y", "x in (a,b),!y,z=c"],
    ["example.com/tier in (web),app", "app,example.com/tier in (web)"],
    // `in` and `notin` are plain words where a key or value is expected.
    ["in in (in,notin)", "in in (in,notin)"],
    ["a=in", "a=in"],
    ["\tx\n=\ra", "x=a"],
  ])("%j -> %j", (input, canonical) => {
    expect(parseLabelSelector(input).toString()).toBe(canonical);
  });

  it.each([
    [
      "x=a||y=b",
      `unable to parse requirement: values[0][x]: Invalid value: "a||y": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    ],
    ["x==a==b", "found '==', expected: ',' or 'end of string'"],
    ["!x=a", "found '=', expected: ',' or 'end of string'"],
    [
      "x<a",
      `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`,
    ],
    ["x in (a", "unable to parse requirement: found '', expected: ',' or ')'"],
    ["x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ["x in (a,=)", "unable to parse requirement: found '=', expected: ',', or identifier"],
    ["x in =", "unable to parse requirement: found '=' expected: '('"],
    ["x in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ["a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ["a!", "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"],
    ["a=(", "unable to parse requirement: found '(', expected: identifier"],
    ["!!a", "unable to parse requirement: found '!', expected: identifier"],
    [",a", "found ',', expected: !, identifier, or 'end of string'"],
    ["=a", "found '=', expected: !, identifier, or 'end of string'"],
    ["a,", "found '', expected: identifier after ','"],
    ["a,,b", "found ',', expected: identifier after ','"],
    [
      "-a",
      `unable to parse requirement: key: Invalid value: "-a": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    ],
  ])("rejects %j", (input, message) => {
    const err = errorOf(() => parseLabelSelector(input));
    expect(err.message).toBe(message);
    expect(err.input).toBe(input);
  });
});

describe("matching", () => {
  it.each<[string, Record<string, string> | undefined, boolean]>([
    ["", undefined, true],
    ["", { a: "b" }, true],
    ["x=a", { x: "a" }, true],
    ["x=a", { x: "b" }, false],
    ["x=a", {}, false],
    ["x==a", { x: "a", y: "b" }, true],
    ["x!=a", {}, true],
    ["x!=a", { x: "a" }, false],
    ["x in (a,b)", { x: "b" }, true],
    ["x in (a,b)", { x: "c" }, false],
    ["x in (a,b)", {}, false],
    ["x notin (a)", {}, true],
    ["x notin (a)", { x: "a" }, false],
    ["x notin (a)", { x: "b" }, true],
    ["x", { x: "" }, true],
    ["x", {}, false],
    ["!x", { x: "" }, false],
    ["!x", {}, true],
    ["x=", { x: "" }, true],
    ["x=", {}, false],
    ["x in ()", { x: "" }, true],
    ["x>1", { x: "2" }, true],
    ["x>1", { x: "1" }, false],
    ["x>1", { x: "a" }, false],
    ["x>1", {}, false],
    ["x<1", { x: "-2" }, true],
    ["x=a,y=b", { x: "a" }, false],
    ["x=a,y=b", { x: "a", y: "b" }, true],
    ["constructor", {}, false],
  ])("%j matches %j: %s", (selector, labels, expected) => {
    expect(parseLabelSelector(selector).matches(labels)).toBe(expected);
  });

  it("pins a label to one value with =, == or in", () => {
    const sel = parseLabelSelector("a=b,c in (d),e in (f,g),h!=i,j==k");
    expect(sel.requiresExactMatch("a")).toBe("b");
    expect(sel.requiresExactMatch("c")).toBe("d");
    expect(sel.requiresExactMatch("j")).toBe("k");
    expect(sel.requiresExactMatch("e")).toBeUndefined();
    expect(sel.requiresExactMatch("h")).toBeUndefined();
    expect(sel.requiresExactMatch("z")).toBeUndefined();
  });

  it("adds requirements into key order", () => {
    const sel = parseLabelSelector("b=1").add(newLabelRequirement("a", "exists", []));
    expect(sel.toString()).toBe("a,b=1");
  });
});

describe("selectorFromSet", () => {
  it("selects exactly the set, keys sorted", () => {
    const sel = selectorFromSet({ b: "2", a: "1" });
    expect(sel.toString()).toBe("a=1,b=2");
    expect(sel.matches({ a: "1", b: "2", c: "3" })).toBe(true);
    expect(sel.matches({ a: "1" })).toBe(false);
    expect(selectorFromSet({}).isEverything()).toBe(true);
    expect(selectorFromSet(undefined).isEverything()).toBe(true);
  });
});

describe("the API form", () => {
  it("selects nothing when null and everything when empty", () => {
    const none = labelSelectorFromObject(null);
    expect(none.isNothing()).toBe(true);
    expect(none.isEverything()).toBe(false);
    expect(none.matches({})).toBe(false);
    expect(none.toString()).toBe("");
    const all = labelSelectorFromObject({});
    expect(all.isEverything()).toBe(true);
    expect(all.matches({ any: "thing" })).toBe(true);
    expect(labelSelectorFromObject({ matchLabels: {}, matchExpressions: [] }).isEverything()).toBe(true);
  });

  it("combines matchLabels and matchExpressions", () => {
    const sel = labelSelectorFromObject({
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "tier", operator: "In", values: ["b", "a"] },
        { key: "env", operator: "NotIn", values: ["dev"] },
        { key: "canary", operator: "DoesNotExist" },
        { key: "team", operator: "Exists", values: [] },
      ],
    });
    expect(sel.toString()).toBe("app=web,!canary,env notin (dev),team,tier in (a,b)");
    expect(sel.matches({ app: "web", tier: "a", team: "x" })).toBe(true);
    expect(sel.matches({ app: "web", tier: "a", team: "x", canary: "1" })).toBe(false);
    expect(labelSelectorToString({ matchLabels: { b: "2", a: "1" } })).toBe("a=1,b=2");
    expect(labelSelectorToString({})).toBe("");
  });

  it.each([
    [
      { matchExpressions: [{ key: "a", operator: "In" }] },
      "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    ],
    [
      { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] },
      `values: Invalid value: ["x"]: values set must be empty for exists and does not exist`,
    ],
    [
      { matchExpressions: [{ key: "a", operator: "Gt", values: ["1"] }] },
      `"Gt" is not a valid label selector operator`,
    ],
    [
      { matchLabels: { "a/b/c": "x" } },
      `key: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    [
      { matchExpressions: [{ key: "-", operator: "In", values: [] }] },
      `[key: Invalid value: "-": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'), values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty]`,
    ],
  ])("rejects %j", (obj, message) => {
    const err = errorOf(() => labelSelectorFromObject(obj));
    expect(err.message).toBe(message);
    expect(err.input).toBe(JSON.stringify(obj));
  });
});

// A reference model of Kubernetes' Requirement.Matches, written without the code under test.
function referenceMatches(reqs: readonly LabelRequirement[], labels: Record<string, string>): boolean {
  return reqs.every((r) => referenceRequirement(r, labels));
}

function referenceRequirement(
  { key, operator, values }: LabelRequirement,
  labels: Record<string, string>,
): boolean {
  const present = Object.hasOwn(labels, key);
  const value = labels[key];
  switch (operator) {
    case "=":
    case "==":
    case "in":
      return present && values.some((v) => v === value);
    case "!=":
    case "notin":
      return !present || values.every((v) => v !== value);
    case "exists":
      return present;
    case "!":
      return !present;
    case "gt":
    case "lt":
      if (!present || !/^-?[0-9]+$/.test(value!)) return false;
      return operator === "gt" ? Number(value) > Number(values[0]) : Number(value) < Number(values[0]);
  }
}

const KEYS = ["a", "b", "app", "in", "notin", "example.com/tier", "x.y_z-1"];
const VALUES = ["", "x", "y", "v1", "in", "notin", "A.b_c"];
// Thresholds must also be valid label values, so "-1" can only appear on the label side.
const THRESHOLDS = ["0", "1", "10"];
const NUMBERS = [...THRESHOLDS, "-1"];

const requirement: fc.Arbitrary<LabelRequirement> = fc
  .tuple(
    fc.constantFrom(...KEYS),
    fc.constantFrom<LabelOperator>("=", "==", "!=", "in", "notin", "exists", "!", "gt", "lt"),
    fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 4 }),
    fc.constantFrom(...THRESHOLDS),
  )
  .map(([key, op, values, n]) => {
    if (op === "exists" || op === "!") return newLabelRequirement(key, op, []);
    if (op === "gt" || op === "lt") return newLabelRequirement(key, op, [n]);
    if (op === "in" || op === "notin") return newLabelRequirement(key, op, values);
    return newLabelRequirement(key, op, [values[0]!]);
  });

const labelSet = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES, ...NUMBERS), {
  maxKeys: 5,
});

describe("label selector properties", () => {
  it("parse(toString(s)) prints the same and matches the same", () => {
    fc.assert(
      fc.property(
        fc.array(requirement, { maxLength: 5 }),
        fc.array(labelSet, { maxLength: 5 }),
        (reqs, sets) => {
          const sel = LabelSelectorMatcher.of(reqs);
          const text = sel.toString();
          const parsed = parseLabelSelector(text);
          expect(parsed.toString()).toBe(text);
          for (const labels of sets) expect(parsed.matches(labels)).toBe(sel.matches(labels));
        },
      ),
    );
  });

  it("matches agrees with the reference model", () => {
    fc.assert(
      fc.property(fc.array(requirement, { maxLength: 5 }), labelSet, (reqs, labels) => {
        const expected = referenceMatches(reqs, labels);
        expect(LabelSelectorMatcher.of(reqs).matches(labels)).toBe(expected);
        expect(parseLabelSelector(LabelSelectorMatcher.of(reqs).toString()).matches(labels)).toBe(expected);
      }),
    );
  });

  it("whitespace around tokens changes nothing", () => {
    fc.assert(
      fc.property(fc.array(requirement, { maxLength: 5 }), fc.constantFrom(" ", "\t", "  "), (reqs, ws) => {
        const text = LabelSelectorMatcher.of(reqs).toString();
        const spaced = text
          .replace(/,(?![^(]*\))/g, `${ws},${ws}`)
          .replace(/(!=|==|=|>|<)/g, `${ws}$1${ws}`)
          .replace(/^!/, `!${ws}`);
        expect(parseLabelSelector(`${ws}${spaced}${ws}`).toString()).toBe(text);
      }),
    );
  });
});
