import { apiVersionOf, errors, type KindInfo, resourceFor, StatusError } from "@minik8s/api";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { parse as parseYaml } from "yaml";
import { decodeProtobufBody, PROTOBUF_MEDIA_TYPE } from "./protobuf/protobuf-body.js";
import { parseRequestInfo } from "./request-info.js";

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
 * that prefers it) or Kubernetes protobuf (what kubectl's typed commands send: `create
 * deployment`, `create secret`, ...; decoded into the same JSON shape). We read the raw bytes and
 * parse them ourselves so a malformed body is a 400 that says what is wrong.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: MAX_BODY_BYTES }, (req, body, done) => {
    try {
      done(null, parseBody(req, body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}

function parseBody(req: FastifyRequest, body: Buffer): unknown {
  const mediaType = (req.headers["content-type"] ?? "application/json").split(";")[0]!.trim().toLowerCase();
  if (mediaType === PROTOBUF_MEDIA_TYPE) return body.length === 0 ? undefined : parseProtobuf(req, body);
  const text = body.toString("utf8");
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

/**
 * A protobuf body of a kind we have no schema for is refused with 415 when its resource is
 * served, and left empty otherwise, so that the route answers 404 as it would for JSON
 * (`kubectl create serviceaccount` then says the server does not have the resource).
 */
function parseProtobuf(req: FastifyRequest, body: Buffer): unknown {
  const info = parseRequestInfo(req.method, req.url.split("?")[0]!, new URLSearchParams());
  const served = info ? resourceFor(info.group, info.version, info.resource) : undefined;
  const decoded = decodeProtobufBody(body, served && info ? routeKind(served, info.subresource) : undefined);
  if (decoded.object) return decoded.object;
  if (!served) return undefined;
  throw new StatusError(
    415,
    "UnsupportedMediaType",
    `the body of the request was ${PROTOBUF_MEDIA_TYPE} for ${decoded.apiVersion} ${decoded.kind}, a kind this server cannot decode from protobuf; send it as application/json`,
  );
}

/** The kind a route's body carries, for envelopes that leave it out: the resource's or its subresource's. */
function routeKind(
  served: KindInfo,
  subresource: string | undefined,
): { apiVersion: string; kind: string } | undefined {
  if (!subresource) return { apiVersion: apiVersionOf(served), kind: served.kind };
  const sub = served.subresources.find((s) => s.name === subresource);
  return sub ? { apiVersion: apiVersionOf(sub), kind: sub.kind } : undefined;
}
