import { StatusError } from "@minik8s/api";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  aggregatedDiscovery,
  apiGroupList,
  apiResourceList,
  apiVersions,
  DISCOVERY_V2_CONTENT_TYPE,
} from "../discovery/discovery.js";
import { openApiDocument, openApiIndex } from "../discovery/openapi.js";
import { wantsAggregatedDiscovery } from "./negotiation.js";

/**
 * Discovery: how kubectl learns which resources exist and what they are called (`/api`, `/apis`,
 * one document per group-version, or all at once as aggregated discovery), and the OpenAPI
 * documents its validating apply reads.
 */
export function registerDiscoveryRoutes(app: FastifyInstance): void {
  const root =
    (which: "core" | "apis", plain: () => unknown) => async (req: FastifyRequest, reply: FastifyReply) => {
      reply.header("Vary", "Accept");
      if (wantsAggregatedDiscovery(req.headers.accept)) {
        return reply
          .header("Content-Type", DISCOVERY_V2_CONTENT_TYPE)
          .send(JSON.stringify(aggregatedDiscovery(which)));
      }
      return reply.type("application/json").send(plain());
    };
  app.get("/api", root("core", apiVersions));
  app.get("/apis", root("apis", apiGroupList));

  const resources = (group: string, version: string, reply: FastifyReply) => {
    const list = apiResourceList(group, version);
    if (!list) throw new StatusError(404, "NotFound", "the server could not find the requested resource");
    return reply.type("application/json").send(list);
  };
  app.get("/api/:version", async (req, reply) =>
    resources("", (req.params as { version: string }).version, reply),
  );
  app.get("/apis/:group/:version", async (req, reply) => {
    const { group, version } = req.params as { group: string; version: string };
    return resources(group, version, reply);
  });

  app.get("/openapi/v3", async (_req, reply) => reply.type("application/json").send(openApiIndex()));
  app.get("/openapi/v3/*", async (req, reply) => {
    const path = (req.params as { "*": string })["*"];
    const parts = path.split("/");
    const doc =
      parts[0] === "api" && parts.length === 2
        ? openApiDocument("", parts[1]!)
        : parts[0] === "apis" && parts.length === 3
          ? openApiDocument(parts[1]!, parts[2]!)
          : undefined;
    if (!doc) throw new StatusError(404, "NotFound", "the server could not find the requested resource");
    return reply.type("application/json").send(doc);
  });
}
