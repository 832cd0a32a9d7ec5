import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addResourceLists,
  parseQuantity,
  Quantity,
  QuantityError,
  quantityToString,
  resourceListFits,
  subtractResourceLists,
} from "../src/quantity.js";

const FORMAT_WRONG =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const SUFFIX = "unable to parse quantity's suffix";

describe("Quantity.parse and toString", () => {
  // Examples from Kubernetes' own quantity tests (TestQuantityParse, TestQuantityString, ParseEmit).
  it.each([
    ["0", "0"],
    ["0n", "0"],
    ["0Ki", "0"],
    ["00", "0"],
    ["1", "1"],
    ["1Ki", "1Ki"],
    ["8Ki", "8Ki"],
    ["7Mi", "7Mi"],
    ["3Ei", "3Ei"],
    ["1024Mi", "1Gi"],
    ["1536Mi", "1536Mi"],
    ["0.5Gi", "512Mi"],
    ["0.5Mi", "512Ki"],
    ["307200Ki", "300Mi"],
    ["1025024Mi", "1001Gi"],
    ["1024Gi", "1Ti"],
    ["1000M", "1G"],
    ["0.001T", "1G"],
    ["1000m", "1"],
    ["1500m", "1500m"],
    ["5000m", "5"],
    ["1.5", "1500m"],
    ["1.08", "1080m"],
    ["1080000000n", "1080m"],
    ["1000u", "1m"],
    ["0.001", "1m"],
    [".001", "1m"],
    ["0.0005k", "500m"],
    ["100.035k", "100035"],
    ["10.035M", "10035k"],
    ["1000", "1k"],
    ["12E", "12E"],
    ["1000E", "1e21"],
    ["5000E", "5e21"],
    ["1e3", "1e3"],
    ["1E6", "1e6"],
    ["12e6", "12e6"],
    ["1.2e3", "1200"],
    ["1.3E+6", "1300e3"],
    [".001e12", "1e9"],
    ["0.001e0", "1e-3"],
    ["1000e-12", "1e-9"],
    ["80e-3", "80e-3"],
    ["1.", "1"],
    ["1.G", "1G"],
    // Kubernetes keeps no precision below 1n and rounds the rest up, away from zero.
    ["3.001n", "4n"],
    ["1.1E-9", "2e-9"],
    ["0.0000000001", "1n"],
    ["0.00000012345", "124n"],
    ["-3.001n", "-4n"],
    // BinarySI falls back to decimal when the value is small or not whole.
    [".001Ki", "1024m"],
    [".000001Ki", "1024u"],
    [".000000001Ki", "1024n"],
    [".000000000001Ki", "2n"],
    ["100.035Ki", "102435840m"],
    ["1025", "1025"],
    // BinarySI is capped at the largest int64.
    ["9Ei", "9223372036854775807"],
    ["-9Ei", "-9223372036854775807"],
    ["-1", "-1"],
    ["-1Ki", "-1Ki"],
    ["-0.5Gi", "-512Mi"],
    ["-100m", "-100m"],
    ["+1500m", "1500m"],
    // Kubernetes' scanner reads a lone "." or sign as zero.
    [".", "0"],
    ["-.", "0"],
  ])("%s -> %s", (input, canonical) => {
    expect(Quantity.parse(input).toString()).toBe(canonical);
  });

  it("keeps the format family of the input", () => {
    expect(Quantity.parse("1Ki").format).toBe("BinarySI");
    expect(Quantity.parse("0Ki").format).toBe("BinarySI");
    expect(Quantity.parse("1k").format).toBe("DecimalSI");
    expect(Quantity.parse("1e3").format).toBe("DecimalExponent");
    expect(Quantity.parse("1E").format).toBe("DecimalSI");
    // A binary quantity below one unit becomes decimal, as in Kubernetes.
    expect(Quantity.parse("0.000000000001Ki").format).toBe("DecimalSI");
  });

  it("reads JSON numbers from their text", () => {
    expect(Quantity.parse(1).toString()).toBe("1");
    expect(Quantity.parse(0.5).toString()).toBe("500m");
    expect(Quantity.parse(-2).toString()).toBe("-2");
    expect(Quantity.parse(1e21).toString()).toBe("1e21");
    expect(() => Quantity.parse(Number.NaN)).toThrow(QuantityError);
  });

  it.each([
    ["", FORMAT_WRONG],
    ["aoeu", FORMAT_WRONG],
    ["1.1.M", FORMAT_WRONG],
    ["1+1.0M", FORMAT_WRONG],
    [" 1", FORMAT_WRONG],
    ["1 ", FORMAT_WRONG],
    ["0.1am", FORMAT_WRONG],
    ["0.1mi", SUFFIX],
    [".5i", SUFFIX],
    ["1i", SUFFIX],
    ["-3.01i", SUFFIX],
    ["-3.01e-", SUFFIX],
    ["1e", SUFFIX],
    ["1Gi2", SUFFIX],
  ])("rejects %j", (input, message) => {
    let caught: unknown;
    try {
      Quantity.parse(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(QuantityError);
    expect((caught as QuantityError).message).toBe(message);
    expect((caught as QuantityError).input).toBe(input);
  });

  it("refuses absurdly large exponents instead of building huge numbers", () => {
    expect(() => Quantity.parse("1e999999999")).toThrow(QuantityError);
    expect(Quantity.parse("1e-999999999").toString()).toBe("1e-9");
    expect(Quantity.parse("0e-999999999").isZero()).toBe(true);
  });
});

describe("Quantity arithmetic", () => {
  const q = Quantity.parse;

  it("rounds milliValue and value away from zero", () => {
    expect(q("1").milliValue()).toBe(1000n);
    expect(q("100m").milliValue()).toBe(100n);
    expect(q("1n").milliValue()).toBe(1n);
    expect(q("-1n").milliValue()).toBe(-1n);
    expect(q("100m").value()).toBe(1n);
    expect(q("1500m").value()).toBe(2n);
    expect(q("-1500m").value()).toBe(-2n);
    expect(q("9.01").value()).toBe(10n);
    expect(q("1Ki").value()).toBe(1024n);
    expect(q("1Gi").milliValue()).toBe(1073741824000n);
  });

  it("adds and subtracts exactly, keeping the receiver's format unless it is zero", () => {
    expect(q("100m").add(q("0")).toString()).toBe("100m");
    expect(q("0").add(q("1Gi")).toString()).toBe("1Gi");
    expect(q("1Gi").add(q("512Mi")).toString()).toBe("1536Mi");
    expect(q("1Gi").add(q("1")).toString()).toBe("1073741825");
    expect(q("1").add(q("1Ki")).toString()).toBe("1025");
    expect(q("1").sub(q("1500m")).toString()).toBe("-500m");
    expect(q("0").sub(q("1Gi")).toString()).toBe("-1Gi");
    expect(q("0.1").add(q("0.2")).toString()).toBe("300m");
    expect(q("9.01").neg().toString()).toBe("-9010m");
  });

  it("compares by value across formats", () => {
    expect(q("10000T").cmp(q("100Gi"))).toBe(1);
    expect(q("100m").cmp(q("50m"))).toBe(1);
    expect(q("50m").cmp(q("100m"))).toBe(-1);
    expect(q("1Ki").cmp(q("1024"))).toBe(0);
    expect(q("1e3").equals(q("1k"))).toBe(true);
    expect(q("-1").sign()).toBe(-1);
    expect(q("0Gi").sign()).toBe(0);
    expect(q("0Gi").isZero()).toBe(true);
  });

  it("converts to an approximate number", () => {
    expect(q("1500m").toNumber()).toBe(1.5);
    expect(q("-1500m").toNumber()).toBe(-1.5);
    expect(q("1Gi").toNumber()).toBe(1073741824);
  });

  it("builds from milli-units and units", () => {
    expect(Quantity.fromMilli(1500).toString()).toBe("1500m");
    expect(Quantity.fromMilli(1024, "BinarySI").toString()).toBe("1024m");
    expect(Quantity.fromValue(1024, "BinarySI").toString()).toBe("1Ki");
    expect(Quantity.fromValue(1234000).toString()).toBe("1234k");
  });

  it("serialises to its canonical string in JSON", () => {
    expect(JSON.stringify({ cpu: q("1.5") })).toBe('{"cpu":"1500m"}');
    expect(parseQuantity("2048Mi").toString()).toBe("2Gi");
    expect(quantityToString("1000m")).toBe("1");
    expect(quantityToString(q("0.5Gi"))).toBe("512Mi");
  });
});

describe("resource lists", () => {
  it("adds name by name", () => {
    expect(addResourceLists({ cpu: "100m", memory: "1Gi" }, { cpu: "900m", "nvidia.com/gpu": "1" })).toEqual({
      cpu: "1",
      memory: "1Gi",
      "nvidia.com/gpu": "1",
    });
  });

  it("subtracts name by name", () => {
    expect(subtractResourceLists({ cpu: "4", memory: "8Gi" }, { cpu: "1500m", memory: "512Mi" })).toEqual({
      cpu: "2500m",
      memory: "7680Mi",
    });
  });

  it("reports which requested resources do not fit", () => {
    const available = { cpu: "1", memory: "1Gi" };
    expect(resourceListFits({ cpu: "500m", memory: "1024Mi" }, available)).toEqual({
      fits: true,
      insufficient: [],
    });
    expect(resourceListFits({ cpu: "500m", memory: "2Gi", "nvidia.com/gpu": "1" }, available)).toEqual({
      fits: false,
      insufficient: ["memory", "nvidia.com/gpu"],
    });
    // A zero request needs nothing, even of a resource the node does not have.
    expect(resourceListFits({ "nvidia.com/gpu": "0" }, available).fits).toBe(true);
  });

  it("throws on a malformed quantity", () => {
    expect(() => addResourceLists({ cpu: "lots" }, {})).toThrow(QuantityError);
  });
});

// A reference model, independent of the parser: the exact rational value of a well-formed quantity
// text, then Kubernetes' rounding to nano-units away from zero and its BinarySI cap.
const DECIMAL_EXP: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_EXP: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const MAX_BINARY_NANOS = (2n ** 63n - 1n) * 10n ** 9n;

function referenceNanos(text: string): bigint {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(text)!;
  const [, sign, whole, fraction = "", suffix = ""] = m;
  let num = BigInt(`${whole}${fraction}` || "0") * 10n ** 9n;
  let den = 10n ** BigInt(fraction.length);
  const binary = Object.hasOwn(BINARY_EXP, suffix);
  if (binary) num *= 2n ** BigInt(BINARY_EXP[suffix]!);
  else {
    const exp = Object.hasOwn(DECIMAL_EXP, suffix) ? DECIMAL_EXP[suffix]! : Number(suffix.slice(1));
    if (exp >= 0) num *= 10n ** BigInt(exp);
    else den *= 10n ** BigInt(-exp);
  }
  let nanos = (num + den - 1n) / den;
  if (binary && nanos > MAX_BINARY_NANOS) nanos = MAX_BINARY_NANOS;
  return sign === "-" ? -nanos : nanos;
}

const quantityText = fc
  .tuple(
    fc.constantFrom("", "-", "+"),
    fc.oneof(
      fc.bigInt({ min: 0n, max: 10n ** 22n }).map(String),
      fc.constantFrom("", "0", "007", "1", "1024"),
    ),
    fc.option(fc.stringMatching(/^[0-9]{0,12}$/), { nil: undefined }),
    fc.oneof(
      fc.constantFrom("n", "u", "m", "", "k", "M", "G", "T", "P", "E"),
      fc.constantFrom("Ki", "Mi", "Gi", "Ti", "Pi", "Ei"),
      fc
        .tuple(fc.constantFrom("e", "E"), fc.constantFrom("", "+", "-"), fc.integer({ min: 0, max: 40 }))
        .map(([e, s, n]) => `${e}${s}${n}`),
    ),
  )
  .map(
    ([sign, whole, fraction, suffix]) =>
      `${sign}${whole}${fraction === undefined ? "" : `.${fraction}`}${suffix}`,
  )
  .filter((text) => text !== "");

describe("Quantity properties", () => {
  it("parses to the exact value, rounded up to nano-units", () => {
    fc.assert(
      fc.property(quantityText, (text) => {
        expect(Quantity.parse(text).nanoValue()).toBe(referenceNanos(text));
      }),
    );
  });

  it("toString is canonical: an integer mantissa that parses back to the same value and text", () => {
    fc.assert(
      fc.property(quantityText, (text) => {
        const q = Quantity.parse(text);
        const s = q.toString();
        expect(s).toMatch(/^-?[0-9]+([numkMGTPE]|[KMGTPE]i|e-?[0-9]+)?$/);
        const back = Quantity.parse(s);
        expect(back.nanoValue()).toBe(q.nanoValue());
        expect(back.toString()).toBe(s);
        // The text keeps the format's family; DecimalSI uses an exponent only past E (10^18), and
        // BinarySI falls back to decimal for small or fractional values.
        const shapes = {
          DecimalSI: /^-?[0-9]+([numkMGTPE]|e[0-9]{2,})?$/,
          DecimalExponent: /^-?[0-9]+(e-?[0-9]+)?$/,
          BinarySI: /^-?[0-9]+([KMGTPE]i|[num])?$/,
        };
        expect(s).toMatch(shapes[q.format]);
        const family = /i$/.test(s) ? "BinarySI" : /e/.test(s) ? "DecimalExponent" : "DecimalSI";
        expect(back.format).toBe(family);
      }),
      { numRuns: 500 },
    );
  });

  it("cmp agrees with the exact values", () => {
    fc.assert(
      fc.property(quantityText, quantityText, (a, b) => {
        const x = referenceNanos(a);
        const y = referenceNanos(b);
        expect(Quantity.parse(a).cmp(Quantity.parse(b))).toBe(x < y ? -1 : x > y ? 1 : 0);
      }),
    );
  });

  it("add and sub agree with exact arithmetic and survive a round trip", () => {
    fc.assert(
      fc.property(quantityText, quantityText, (a, b) => {
        const x = Quantity.parse(a);
        const y = Quantity.parse(b);
        const sum = x.add(y);
        const diff = x.sub(y);
        expect(sum.nanoValue()).toBe(referenceNanos(a) + referenceNanos(b));
        expect(diff.nanoValue()).toBe(referenceNanos(a) - referenceNanos(b));
        expect(sum.sub(y).equals(x)).toBe(true);
        const within = (n: bigint) => n <= MAX_BINARY_NANOS && n >= -MAX_BINARY_NANOS;
        if (within(sum.nanoValue())) expect(Quantity.parse(sum.toString()).equals(sum)).toBe(true);
      }),
    );
  });

  it("milliValue and value round away from zero", () => {
    fc.assert(
      fc.property(quantityText, (text) => {
        const q = Quantity.parse(text);
        const n = q.nanoValue();
        const up = (d: bigint) => (n >= 0n ? (n + d - 1n) / d : -((-n + d - 1n) / d));
        expect(q.milliValue()).toBe(up(10n ** 6n));
        expect(q.value()).toBe(up(10n ** 9n));
      }),
    );
  });
});
