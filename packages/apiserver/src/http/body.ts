import { errors } from "@minik8s/api";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { parse as parseYaml } from "yaml";

/** Kubernetes refuses request bodies over 3 MiB. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

const JSON_TYPES = new Set([
  "application/json",
  "application/merge-patch+json",
  "application/json-patch+json",
  "application/strategic-merge-patch+json",
]);
const YAML_TYPES = new Set([
  "application/yaml",
  "application/apply-patch+yaml",
  "application/x-yaml",
  "text/yaml",
]);

/**
 * Bodies arrive as JSON (every patch type but apply), YAML (server-side apply, and any client
 * that prefers it) or protobuf (refused: 415, and kubectl falls back to JSON). We read the raw
 * text and parse it ourselves so a malformed body is a 400 that says what is wrong.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string", bodyLimit: MAX_BODY_BYTES }, (req, body, done) => {
    try {
      done(null, parseBody(req, body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}

function parseBody(req: FastifyRequest, text: string): unknown {
  const mediaType = (req.headers["content-type"] ?? "application/json").split(";")[0]!.trim().toLowerCase();
  if (text.trim() === "") return undefined;
  if (JSON_TYPES.has(mediaType)) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw errors.badRequest(
        `the body of the request could not be decoded as JSON: ${(err as Error).message}`,
      );
    }
  }
  if (YAML_TYPES.has(mediaType)) {
    try {
      return parseYaml(text, { maxAliasCount: 100 });
    } catch (err) {
      throw errors.badRequest(
        `the body of the request could not be decoded as YAML: ${(err as Error).message}`,
      );
    }
  }
  throw errors.unsupportedMediaType(mediaType);
}
