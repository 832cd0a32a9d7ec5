/**
 * Errors as Kubernetes reports them: a `Status` object with an HTTP code, a machine-readable
 * reason and a sentence a person can act on. The apiserver throws these; the client rebuilds them
 * from the server's reply, so `isNotFound(err)` reads the same on both sides.
 */
import type { StatusCause, StatusDetails } from "./schemas/meta.js";

export type StatusReason =
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Gone"
  | "Expired"
  | "Invalid"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "RequestEntityTooLarge"
  | "UnsupportedMediaType"
  | "TooManyRequests"
  | "InternalError"
  | "ServiceUnavailable"
  | "Timeout";

/** The `Status` kind of meta/v1, as it travels in error replies. */
export interface StatusObject {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Success" | "Failure";
  message: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** The Status a subresource POST without an object of its own answers (binding, eviction). */
export function successStatus(code = 201) {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code } as const;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = "StatusError";
  }

  toStatus(): StatusObject {
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }

  static fromStatus(status: Partial<StatusObject>, fallbackCode = 500): StatusError {
    return new StatusError(
      status.code ?? fallbackCode,
      status.reason ?? "InternalError",
      status.message ?? "unknown error",
      status.details,
    );
  }
}

/** How Kubernetes names a resource in messages: `pods`, `deployments.apps`. */
export function qualifiedResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const errors = {
  badRequest: (message: string) => new StatusError(400, "BadRequest", message),
  notFound: (resource: string, group: string, name: string) =>
    new StatusError(404, "NotFound", `${qualifiedResource(resource, group)} "${name}" not found`, {
      name,
      group,
      kind: resource,
    }),
  alreadyExists: (resource: string, group: string, name: string) =>
    new StatusError(409, "AlreadyExists", `${qualifiedResource(resource, group)} "${name}" already exists`, {
      name,
      group,
      kind: resource,
    }),
  conflict: (resource: string, group: string, name: string, why: string) =>
    new StatusError(
      409,
      "Conflict",
      `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": ${why}`,
      { name, group, kind: resource },
    ),
  staleObject: (resource: string, group: string, name: string) =>
    errors.conflict(
      resource,
      group,
      name,
      "the object has been modified; please apply your changes to the latest version and try again",
    ),
  /** 422 with every field problem as a cause, e.g. `Deployment.apps "web" is invalid: spec.replicas: ...`. */
  invalid: (kind: string, group: string, name: string, causes: StatusCause[]) => {
    const what = group ? `${kind}.${group}` : kind;
    const list = causes.map((c) => c.message ?? "").filter(Boolean);
    const summary = list.length === 1 ? list[0] : `[${list.join(", ")}]`;
    return new StatusError(422, "Invalid", `${what} "${name}" is invalid: ${summary}`, {
      name,
      group,
      kind,
      causes,
    });
  },
  gone: (message: string) => new StatusError(410, "Expired", message),
  methodNotAllowed: (message: string) => new StatusError(405, "MethodNotAllowed", message),
  unsupportedMediaType: (contentType: string) =>
    new StatusError(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${JSON.stringify(contentType)})`,
    ),
  tooLarge: (limit: number) =>
    new StatusError(
      413,
      "RequestEntityTooLarge",
      `the request body is larger than the limit of ${limit} bytes`,
    ),
  forbidden: (message: string) => new StatusError(403, "Forbidden", message),
  unauthorized: (message = "Unauthorized") => new StatusError(401, "Unauthorized", message),
  tooManyRequests: (message: string, retryAfterSeconds = 1) =>
    new StatusError(429, "TooManyRequests", message, { retryAfterSeconds }),
  internal: (message: string) => new StatusError(500, "InternalError", `Internal error occurred: ${message}`),
};

function reasonOf(err: unknown): StatusReason | undefined {
  return err instanceof StatusError ? err.reason : undefined;
}

export const isNotFound = (err: unknown) => reasonOf(err) === "NotFound";
export const isAlreadyExists = (err: unknown) => reasonOf(err) === "AlreadyExists";
export const isConflict = (err: unknown) => reasonOf(err) === "Conflict";
export const isInvalid = (err: unknown) => reasonOf(err) === "Invalid";
export const isGone = (err: unknown) => err instanceof StatusError && err.code === 410;
export const isTooManyRequests = (err: unknown) => reasonOf(err) === "TooManyRequests";
export const isForbidden = (err: unknown) => reasonOf(err) === "Forbidden";
