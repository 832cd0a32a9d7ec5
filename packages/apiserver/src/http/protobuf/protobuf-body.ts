import { errors, parseApiVersion } from "@minik8s/api";
import protobuf from "protobufjs";
import { K8S_PROTO_SOURCES, protoPackageOf } from "./k8s-proto-schema.js";

/** The media type client-go's typed clients (kubectl create, drain, ...) send bodies in. */
export const PROTOBUF_MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

/** Every Kubernetes protobuf body starts with these 4 bytes, then a runtime.Unknown message. */
const MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

const ROOT = loadRoot();
const UNKNOWN = ROOT.lookupType("k8s.io.apimachinery.pkg.runtime.Unknown");

/** The parsed schema, for tests that build bodies the way client-go does. */
export function kubernetesProtoRoot(): protobuf.Root {
  return ROOT;
}

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  for (const source of K8S_PROTO_SOURCES) protobuf.parse(source, root, { keepCase: true });
  root.resolveAll();
  return root;
}

/** What a protobuf body held: the object as Kubernetes' JSON would write it, when we know its kind. */
export interface DecodedProtobuf {
  readonly apiVersion: string;
  readonly kind: string;
  /** Undefined when the kind has no schema here (a kind minik8s does not serve). */
  readonly object: Record<string, unknown> | undefined;
}

/**
 * Decodes a `application/vnd.kubernetes.protobuf` body into the JSON shape of the same object,
 * so it goes through the same validation and defaulting as a JSON body. `fallback` names the
 * kind when the envelope leaves it empty. A body that is not a Kubernetes protobuf envelope, or
 * whose bytes do not parse, is a 400 that says what is wrong.
 */
export function decodeProtobufBody(
  body: Uint8Array,
  fallback?: { apiVersion: string; kind: string },
): DecodedProtobuf {
  if (body.length < MAGIC.length || MAGIC.some((byte, i) => body[i] !== byte)) {
    throw errors.badRequest(
      'the body of the request could not be decoded as protobuf: it does not start with the "k8s\\x00" prefix',
    );
  }
  const envelope = decode(UNKNOWN, body.subarray(MAGIC.length), "runtime.Unknown");
  const encoding = envelope.contentEncoding as string | undefined;
  if (encoding) {
    throw errors.badRequest(
      `the body of the request could not be decoded as protobuf: unsupported contentEncoding ${JSON.stringify(encoding)}`,
    );
  }
  const typeMeta = envelope.typeMeta as { apiVersion?: string; kind?: string } | null;
  const apiVersion = typeMeta?.apiVersion || fallback?.apiVersion || "";
  const kind = typeMeta?.kind || fallback?.kind || "";
  const { group, version } = parseApiVersion(apiVersion);
  const type = kind ? lookupType(`${protoPackageOf(group, version)}.${kind}`) : undefined;
  if (!type) return { apiVersion, kind, object: undefined };
  const raw = (envelope.raw as Uint8Array | undefined) ?? new Uint8Array();
  const message = decode(type, raw, `${apiVersion} ${kind}`);
  return { apiVersion, kind, object: { apiVersion, kind, ...messageToJson(type, message) } };
}

function lookupType(name: string): protobuf.Type | undefined {
  const found = ROOT.lookup(name);
  return found instanceof protobuf.Type ? found : undefined;
}

function decode(
  type: protobuf.Type,
  bytes: Uint8Array,
  what: string,
): protobuf.Message & Record<string, unknown> {
  try {
    return type.decode(bytes) as protobuf.Message & Record<string, unknown>;
  } catch (err) {
    throw errors.badRequest(
      `the body of the request could not be decoded as protobuf ${what}: ${(err as Error).message}`,
    );
  }
}

// Kubernetes' JSON shapes of its well-known wire messages.
const QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
const INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
const TIME = "k8s.io.apimachinery.pkg.apis.meta.v1.Time";
const MICRO_TIME = "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime";
const FIELDS_V1 = "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1";
const RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";

const ABSENT = Symbol("absent");

/**
 * Walks a decoded message with its type: presence decides what is written (proto2), zero
 * scalars are dropped unless the field says `(zero)` (Go's `omitempty` on non-pointer fields),
 * `(inline)` fields merge into their parent, and the well-known messages take their JSON form.
 */
function messageToJson(type: protobuf.Type, message: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!Object.hasOwn(message, field.name)) continue;
    const value = message[field.name];
    if (value === null || value === undefined) continue;
    const keepZero = field.options?.["(zero)"] === true;
    if (field.map) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0) continue;
      // A zero Time in a map (PDB disruptedPods) is null in Go's JSON: leave the entry out.
      out[field.name] = Object.fromEntries(
        entries.map(([key, item]) => [key, elementToJson(field, item, true)]).filter(([, v]) => v !== ABSENT),
      );
    } else if (field.repeated) {
      const items = value as unknown[];
      if (items.length === 0) continue;
      out[field.name] = items.map((item) => elementToJson(field, item, true)).filter((v) => v !== ABSENT);
    } else {
      const converted = elementToJson(field, value, keepZero);
      if (converted === ABSENT) continue;
      if (field.options?.["(inline)"] === true && isRecord(converted)) Object.assign(out, converted);
      else out[field.name] = converted;
    }
  }
  return out;
}

function elementToJson(field: protobuf.Field, value: unknown, keepZero: boolean): unknown {
  const messageType = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
  if (messageType) return wellKnownToJson(messageType, value as Record<string, unknown>, keepZero);
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  const scalar = toScalar(value);
  if (!keepZero && (scalar === "" || scalar === 0 || scalar === false)) return ABSENT;
  return scalar;
}

function wellKnownToJson(type: protobuf.Type, value: Record<string, unknown>, keepZero: boolean): unknown {
  switch (type.fullName.slice(1)) {
    case QUANTITY:
      // A zero Quantity is written as "0" on the wire and in JSON alike.
      return (value.string as string | undefined) || "0";
    case INT_OR_STRING: {
      const isString = toScalar(value.type ?? 0) === 1;
      const result = isString ? ((value.strVal as string | undefined) ?? "") : toScalar(value.intVal ?? 0);
      // An unset non-pointer IntOrString (a ServicePort's targetPort) means "not given".
      if (!keepZero && (result === 0 || result === "")) return ABSENT;
      return result;
    }
    case TIME:
    case MICRO_TIME: {
      const seconds = Number(toScalar(value.seconds ?? 0));
      const nanos = Number(toScalar(value.nanos ?? 0));
      // Go's zero time.Time is written as null in JSON: absent.
      if (seconds === 0 && nanos === 0) return ABSENT;
      return formatTime(seconds, nanos, type.fullName.slice(1) === MICRO_TIME);
    }
    case FIELDS_V1:
      return parseEmbeddedJson(value.Raw, "fieldsV1");
    case RAW_EXTENSION:
      return parseEmbeddedJson(value.raw, "RawExtension");
    default:
      return messageToJson(type, value);
  }
}

/** RFC 3339 in UTC: whole seconds for metav1.Time, microseconds for metav1.MicroTime. */
function formatTime(seconds: number, nanos: number, micro: boolean): string {
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (!micro) return `${base}Z`;
  return `${base}.${String(Math.floor(nanos / 1000)).padStart(6, "0")}Z`;
}

function parseEmbeddedJson(raw: unknown, what: string): unknown {
  if (!(raw instanceof Uint8Array) || raw.length === 0) return ABSENT;
  try {
    return JSON.parse(Buffer.from(raw).toString("utf8"));
  } catch (err) {
    throw errors.badRequest(
      `the body of the request could not be decoded as protobuf: ${what} does not hold JSON: ${(err as Error).message}`,
    );
  }
}

/** int64 fields decode as Long objects when the `long` package is present; JSON wants numbers. */
function toScalar(value: unknown): unknown {
  if (typeof value === "object" && value !== null && "toNumber" in value) {
    return (value as { toNumber(): number }).toNumber();
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
