import { z } from "zod";

/** Go's int32/int64 as JSON numbers: whole numbers only. */
export const Int = z.int();

/** An RFC 3339 date-time, as `metav1.Time` serializes (seconds precision, `Z` or an offset). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
export const Time = z.string().regex(RFC3339, { error: "must be an RFC 3339 date-time" });

/** `metav1.MicroTime`: the same text with microseconds, used by leases and events. */
export const MicroTime = Time;

/** `intstr.IntOrString`: a port number or name, a count or a percentage. */
export const IntOrString = z.union([Int, z.string()]);
export type IntOrString = z.infer<typeof IntOrString>;

/**
 * A `resource.QuantityText` as written in manifests: "500m", "1Gi" or a bare number. Numbers become
 * their decimal text, as Kubernetes stores quantities as strings; the syntax is checked by
 * validation, where the error can name the field.
 */
export const QuantityText = z.union([z.string(), z.number()]).transform((v) => String(v));

/** `ResourceList`: resource name to quantity. */
export const ResourceList = z.record(z.string(), QuantityText);
export type ResourceList = z.infer<typeof ResourceList>;

/** `map[string]string`, the shape of labels, annotations, selectors and ConfigMap data. */
export const StringMap = z.record(z.string(), z.string());
export type StringMap = z.infer<typeof StringMap>;

/** A Go `[]byte` field: standard base64 text, as Kubernetes decodes Secret data. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
export const Base64 = z.string().regex(BASE64, { error: "illegal base64 data" });
