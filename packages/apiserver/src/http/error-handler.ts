import { errors, StatusError } from "@minik8s/api";
import type { FastifyError, FastifyInstance } from "fastify";
import { isStoreError } from "../storage/index.js";

/** Whatever went wrong, the client gets a `Status` object with the right code and reason. */
export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  if (isStoreError(err, "Compacted")) return errors.gone(err.message);
  const fastifyError = err as FastifyError;
  if (fastifyError?.code === "FST_ERR_CTP_BODY_TOO_LARGE") return errors.tooLarge(3 * 1024 * 1024);
  if (fastifyError?.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return errors.unsupportedMediaType("");
  if (fastifyError?.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return errors.badRequest(fastifyError.message);
  }
  return errors.internal(err instanceof Error ? err.message : String(err));
}

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const status = toStatusError(err);
    if (status.code >= 500) request.log.error({ err, url: request.url }, "request failed");
    reply.code(status.code).type("application/json").send(status.toStatus());
  });
  app.setNotFoundHandler((_request, reply) => {
    reply
      .code(404)
      .type("application/json")
      .send(new StatusError(404, "NotFound", "the server could not find the requested resource").toStatus());
  });
}
