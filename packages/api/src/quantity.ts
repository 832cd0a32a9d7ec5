// Kubernetes resource quantities ("100m", "1.5", "512Mi", "1e3"), as k8s.io/apimachinery/pkg/api/resource.
//
// A quantity is held exactly as a count of nano-units in a bigint: Kubernetes never keeps a precision
// finer than 1n (it rounds smaller fractions up, away from zero), so nothing is lost and there is no
// floating point anywhere.

/** How a quantity is written back: the suffix family of the text it was parsed from. */
export type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

const FORMAT_WRONG =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const NUMERIC = "unable to parse numeric part of quantity";
const SUFFIX = "unable to parse quantity's suffix";

/** A string that is not a quantity; the message is Kubernetes' own. */
export class QuantityError extends Error {
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
    this.name = "QuantityError";
  }
}

const NANO_PER_UNIT = 1_000_000_000n;
const NANO_PER_MILLI = 1_000_000n;
// BinarySI quantities are capped at the largest int64 on parse, as Kubernetes does.
const MAX_BINARY_NANOS = (2n ** 63n - 1n) * NANO_PER_UNIT;
// Kubernetes accepts any int64 exponent; we refuse numbers with more digits than this rather than
// build a bigint of millions of digits from "1e999999999".
const MAX_DECIMAL_DIGITS = 1000;

const DECIMAL_SUFFIXES: Record<string, number> = {
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
const DECIMAL_SUFFIX_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_SUFFIXES = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
const SUFFIX_LETTERS = "eEinumkKMGTP";
const INT64_MAX = 2n ** 63n - 1n;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Divides rounding away from zero (Kubernetes' "round up"), for a positive divisor. */
function divAwayFromZero(n: bigint, d: bigint): bigint {
  const q = n / d;
  if (n % d === 0n) return q;
  return n < 0n ? q - 1n : q + 1n;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

interface Tokens {
  negative: boolean;
  whole: string;
  fraction: string;
  suffix: string;
}

// The same scan as Kubernetes' parseQuantityString: sign, digits, optional "." and digits, then a
// suffix of letters optionally followed by a signed integer. Like Kubernetes, "." and "-" read as zero.
function scan(input: string): Tokens {
  let pos = 0;
  let negative = false;
  if (input[0] === "-" || input[0] === "+") {
    negative = input[0] === "-";
    pos++;
  }
  const wholeStart = pos;
  while (isDigit(input[pos])) pos++;
  const whole = input.slice(wholeStart, pos);
  let fraction = "";
  if (input[pos] === ".") {
    const fractionStart = ++pos;
    while (isDigit(input[pos])) pos++;
    fraction = input.slice(fractionStart, pos);
  }
  const suffixStart = pos;
  while (pos < input.length && SUFFIX_LETTERS.includes(input[pos]!)) pos++;
  if (input[pos] === "-" || input[pos] === "+") pos++;
  while (isDigit(input[pos])) pos++;
  if (pos !== input.length) throw new QuantityError(input, FORMAT_WRONG);
  return { negative, whole, fraction, suffix: input.slice(suffixStart) };
}

interface Suffix {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

function interpretSuffix(input: string, suffix: string): Suffix {
  if (Object.hasOwn(DECIMAL_SUFFIXES, suffix)) {
    return { base: 10, exponent: DECIMAL_SUFFIXES[suffix]!, format: "DecimalSI" };
  }
  const binary = BINARY_SUFFIXES.indexOf(suffix);
  if (binary > 0) return { base: 2, exponent: binary * 10, format: "BinarySI" };
  if (
    suffix.length > 1 &&
    (suffix[0] === "e" || suffix[0] === "E") &&
    /^[+-]?[0-9]+$/.test(suffix.slice(1))
  ) {
    const exponent = BigInt(suffix.slice(1));
    if (exponent > INT64_MAX || exponent < -INT64_MAX - 1n) throw new QuantityError(input, SUFFIX);
    if (exponent > BigInt(MAX_DECIMAL_DIGITS)) throw new QuantityError(input, NUMERIC);
    // Anything below -MAX_DECIMAL_DIGITS rounds up to 1n anyway; clamping keeps the arithmetic small.
    const clamped = exponent < BigInt(-MAX_DECIMAL_DIGITS) ? -MAX_DECIMAL_DIGITS - 10 : Number(exponent);
    return { base: 10, exponent: clamped, format: "DecimalExponent" };
  }
  throw new QuantityError(input, SUFFIX);
}

function toNanos(input: string, tokens: Tokens, suffix: Suffix): bigint {
  const digits = BigInt((tokens.whole || "0") + tokens.fraction);
  const sign = tokens.negative ? -1n : 1n;
  if (suffix.base === 2) {
    const scaled = digits * 2n ** BigInt(suffix.exponent) * NANO_PER_UNIT;
    return sign * divAwayFromZero(scaled, pow10(tokens.fraction.length));
  }
  const shift = suffix.exponent - tokens.fraction.length + 9;
  if (shift >= 0) {
    if (tokens.whole.length + shift > MAX_DECIMAL_DIGITS) throw new QuantityError(input, NUMERIC);
    return sign * digits * pow10(shift);
  }
  if (digits === 0n) return 0n;
  // Past its own length a negative shift leaves less than 1n, which rounds up to 1n.
  const drop = Math.min(-shift, tokens.whole.length + tokens.fraction.length + 1);
  return sign * divAwayFromZero(digits, pow10(drop));
}

/** An exact, immutable Kubernetes quantity. */
export class Quantity {
  private constructor(
    /** The value in nano-units (10^-9). */
    private readonly nanos: bigint,
    readonly format: QuantityFormat,
  ) {}

  static readonly zero = new Quantity(0n, "DecimalSI");

  /**
   * Parses a quantity as Kubernetes does. A number is read from its JavaScript text, as Kubernetes
   * reads a bare JSON number.
   */
  static parse(input: string | number): Quantity {
    if (typeof input === "number") {
      if (!Number.isFinite(input)) throw new QuantityError(String(input), FORMAT_WRONG);
      return Quantity.parse(String(input));
    }
    if (input.length === 0) throw new QuantityError(input, FORMAT_WRONG);
    const tokens = scan(input);
    const suffix = interpretSuffix(input, tokens.suffix);
    let nanos = toNanos(input, tokens, suffix);
    let format = suffix.format;
    if (format === "BinarySI") {
      if (nanos > MAX_BINARY_NANOS) nanos = MAX_BINARY_NANOS;
      if (nanos < -MAX_BINARY_NANOS) nanos = -MAX_BINARY_NANOS;
      const magnitude = nanos < 0n ? -nanos : nanos;
      if (magnitude > 0n && magnitude < NANO_PER_UNIT) format = "DecimalSI";
    }
    return new Quantity(nanos, format);
  }

  /** The quantity of `milli` thousandths (Kubernetes' NewMilliQuantity). */
  static fromMilli(milli: bigint | number, format: QuantityFormat = "DecimalSI"): Quantity {
    return new Quantity(BigInt(milli) * NANO_PER_MILLI, format);
  }

  /** The quantity of `value` whole units (Kubernetes' NewQuantity). */
  static fromValue(value: bigint | number, format: QuantityFormat = "DecimalSI"): Quantity {
    return new Quantity(BigInt(value) * NANO_PER_UNIT, format);
  }

  /** The value in nano-units, exactly. */
  nanoValue(): bigint {
    return this.nanos;
  }

  // As Kubernetes' Add and Sub: the result keeps this quantity's format, unless this one is zero.
  add(other: Quantity): Quantity {
    return new Quantity(this.nanos + other.nanos, this.isZero() ? other.format : this.format);
  }

  sub(other: Quantity): Quantity {
    return new Quantity(this.nanos - other.nanos, this.isZero() ? other.format : this.format);
  }

  neg(): Quantity {
    return new Quantity(-this.nanos, this.format);
  }

  cmp(other: Quantity): -1 | 0 | 1 {
    if (this.nanos < other.nanos) return -1;
    return this.nanos > other.nanos ? 1 : 0;
  }

  equals(other: Quantity): boolean {
    return this.nanos === other.nanos;
  }

  isZero(): boolean {
    return this.nanos === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.cmp(Quantity.zero);
  }

  /** Thousandths, rounded away from zero (Kubernetes' MilliValue). */
  milliValue(): bigint {
    return divAwayFromZero(this.nanos, NANO_PER_MILLI);
  }

  /** Whole units, rounded away from zero (Kubernetes' Value). */
  value(): bigint {
    return divAwayFromZero(this.nanos, NANO_PER_UNIT);
  }

  /** An approximation, for display and scoring only. */
  toNumber(): number {
    return Number(this.nanos / NANO_PER_UNIT) + Number(this.nanos % NANO_PER_UNIT) / 1e9;
  }

  /** Kubernetes' canonical text: the format's suffix that leaves an integer mantissa. */
  toString(): string {
    if (this.nanos === 0n) return "0";
    if (this.format === "BinarySI") {
      const small = this.nanos > -1024n * NANO_PER_UNIT && this.nanos < 1024n * NANO_PER_UNIT;
      if (!small && this.nanos % NANO_PER_UNIT === 0n) return this.binaryString();
    }
    return this.decimalString(this.format !== "DecimalExponent");
  }

  toJSON(): string {
    return this.toString();
  }

  private binaryString(): string {
    let mantissa = this.nanos / NANO_PER_UNIT;
    let power = 0;
    while (power < BINARY_SUFFIXES.length - 1 && mantissa % 1024n === 0n) {
      mantissa /= 1024n;
      power++;
    }
    return `${mantissa}${BINARY_SUFFIXES[power]}`;
  }

  private decimalString(withSuffix: boolean): string {
    let mantissa = this.nanos;
    let exponent = -9;
    while (mantissa % 10n === 0n) {
      mantissa /= 10n;
      exponent++;
    }
    const excess = ((exponent % 3) + 3) % 3;
    mantissa *= pow10(excess);
    exponent -= excess;
    // DecimalSI has no suffix past E (10^18): Kubernetes falls back to exponent notation there.
    if (withSuffix && exponent <= 18) {
      return `${mantissa}${DECIMAL_SUFFIX_BY_EXPONENT.get(exponent)}`;
    }
    return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  }
}

export function parseQuantity(input: string | number): Quantity {
  return Quantity.parse(input);
}

/** The canonical text of a quantity, or of a string or number parsed as one. */
export function quantityToString(q: Quantity | string | number): string {
  return (q instanceof Quantity ? q : Quantity.parse(q)).toString();
}

/** Resource name to quantity text, as in `resources.requests` or `status.allocatable`. */
export type ResourceList = Record<string, string>;

function combine(a: ResourceList, b: ResourceList, op: (x: Quantity, y: Quantity) => Quantity): ResourceList {
  const out: ResourceList = {};
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = Object.hasOwn(a, name) ? Quantity.parse(a[name]!) : Quantity.zero;
    const y = Object.hasOwn(b, name) ? Quantity.parse(b[name]!) : Quantity.zero;
    out[name] = op(x, y).toString();
  }
  return out;
}

/** The sum of two resource lists, name by name; throws QuantityError on a malformed quantity. */
export function addResourceLists(a: ResourceList, b: ResourceList): ResourceList {
  return combine(a, b, (x, y) => x.add(y));
}

/** `a` minus `b`, name by name (a node's free resources: allocatable minus requested). */
export function subtractResourceLists(a: ResourceList, b: ResourceList): ResourceList {
  return combine(a, b, (x, y) => x.sub(y));
}

/**
 * Whether `request` fits in `available`: every resource requested above zero must be available in at
 * least that amount; a resource missing from `available` counts as zero. `insufficient` names the
 * resources that do not fit, in the order of `request`.
 */
export function resourceListFits(
  request: ResourceList,
  available: ResourceList,
): { fits: boolean; insufficient: string[] } {
  const insufficient: string[] = [];
  for (const [name, text] of Object.entries(request)) {
    const wanted = Quantity.parse(text);
    if (wanted.sign() <= 0) continue;
    const free = Object.hasOwn(available, name) ? Quantity.parse(available[name]!) : Quantity.zero;
    if (wanted.cmp(free) > 0) insufficient.push(name);
  }
  return { fits: insufficient.length === 0, insufficient };
}
