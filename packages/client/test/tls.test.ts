import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectionError } from "../src/connection-error.js";
import { Client } from "../src/rest-client.js";

const NODES = { group: "", version: "v1", plural: "nodes", namespaced: false };

/** A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
function makeCertificates(dir: string) {
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  ssl("req", "-x509", ...key, "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=test-ca");
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  for (const [name, cn, ext] of [
    ["server", "127.0.0.1", true],
    ["client", "admin", false],
  ] as const) {
    ssl("req", ...key, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`);
    ssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.crt`,
      "-days",
      "1",
      ...(ext ? ["-extfile", "san.ext"] : []),
    );
  }
  const read = (f: string) => readFileSync(join(dir, f), "utf8");
  return {
    ca: read("ca.crt"),
    serverCert: read("server.crt"),
    serverKey: read("server.key"),
    clientCert: read("client.crt"),
    clientKey: read("client.key"),
  };
}

describe("TLS", () => {
  let dir: string;
  let pem: ReturnType<typeof makeCertificates>;
  let server: Server;
  let url: string;
  const seen: { cn: string | undefined; authorization: string | undefined }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "client-tls-"));
    pem = makeCertificates(dir);
    server = createServer(
      { cert: pem.serverCert, key: pem.serverKey, ca: pem.ca, requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        seen.push({ cn: String(peer?.subject?.CN), authorization: req.headers.authorization });
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ apiVersion: "v1", kind: "Node", metadata: { name: "n1" } }));
      },
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("trusts a pinned CA and presents the client certificate and the bearer token", async () => {
    const client = new Client({
      server: url,
      ca: pem.ca,
      cert: pem.clientCert,
      key: pem.clientKey,
      token: "tok",
    });
    try {
      const node = await client.get(NODES, undefined, "n1");
      expect(node.metadata?.name).toBe("n1");
      expect(seen.at(-1)).toEqual({ cn: "admin", authorization: "Bearer tok" });
    } finally {
      client.close();
    }
  });

  it("refuses a server whose CA is not the pinned one, saying so", async () => {
    const client = new Client({ server: url });
    try {
      const err = await client.get(NODES, undefined, "n1").catch((e) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect(err.message).toContain("certificate we do not trust");
      expect(err.message).toContain(url);
    } finally {
      client.close();
    }
  });

  it("connects without verification when insecure-skip-tls-verify is set", async () => {
    const client = new Client({ server: url, insecureSkipTLSVerify: true });
    try {
      expect((await client.get(NODES, undefined, "n1")).metadata?.name).toBe("n1");
    } finally {
      client.close();
    }
  });
});
