import http from "node:http";
import net from "node:net";
import type { Container } from "@minik8s/api";
import { FakeClock } from "@minik8s/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROBE_USER_AGENT, Prober, resolvePort } from "../../src/prober/prober.js";
import { SimRuntime } from "../../src/runtime/sim-runtime.js";

const HOST = "127.0.0.1";

/** A tiny HTTP server on loopback: /ok 200, /fail 500, /slow never answers, /hop redirects. */
let server: http.Server;
let port = 0;
const seen: http.IncomingHttpHeaders[] = [];

function listen(s: net.Server): Promise<number> {
  return new Promise((resolve) => s.listen(0, HOST, () => resolve((s.address() as net.AddressInfo).port)));
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    if (req.url === "/ok") res.end("fine");
    else if (req.url === "/fail") {
      res.statusCode = 500;
      res.end("broken");
    } else if (req.url === "/hop") {
      res.writeHead(302, { location: "/fail" });
      res.end();
    } else if (req.url === "/away") {
      res.writeHead(301, { location: "http://example.invalid/" });
      res.end("moved");
    } else if (req.url === "/slow") {
      // never answers within the probe's timeout
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  port = await listen(server);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const container = (ports: Container["ports"] = []): Container => ({ name: "app", image: "x", ports });
const prober = new Prober(new SimRuntime());
const target = (c = container()) => ({ container: c, containerId: "c1", podIP: HOST });

describe("prober: httpGet", () => {
  it("200 succeeds and sends kube-probe's User-Agent and the probe's headers", async () => {
    const out = await prober.run(
      { httpGet: { port, path: "/ok", httpHeaders: [{ name: "X-Probe", value: "yes" }] } },
      target(),
      1000,
    );
    expect(out).toMatchObject({ result: "success", output: "fine" });
    expect(seen.at(-1)).toMatchObject({ "user-agent": PROBE_USER_AGENT, "x-probe": "yes" });
    expect(PROBE_USER_AGENT).toBe("kube-probe/1.32");
  });

  it("500 fails with Kubernetes' message", async () => {
    const out = await prober.run({ httpGet: { port, path: "/fail" } }, target(), 1000);
    expect(out).toMatchObject({ result: "failure", output: "HTTP probe failed with statuscode: 500" });
  });

  it("follows a redirect to the same host; one elsewhere is a warning", async () => {
    expect((await prober.run({ httpGet: { port, path: "/hop" } }, target(), 1000)).output).toBe(
      "HTTP probe failed with statuscode: 500",
    );
    expect(await prober.run({ httpGet: { port, path: "/away" } }, target(), 1000)).toMatchObject({
      result: "warning",
      output: "Probe terminated redirects, Response body: moved",
    });
  });

  it("a named container port resolves; an unknown name cannot run", async () => {
    const c = container([{ name: "http", containerPort: port }]);
    expect((await prober.run({ httpGet: { port: "http", path: "/ok" } }, target(c), 1000)).result).toBe(
      "success",
    );
    expect(await prober.run({ httpGet: { port: "metrics", path: "/" } }, target(c), 1000)).toEqual({
      result: "unknown",
      output: "port metrics not found",
    });
    expect(resolvePort(70000, c)).toBe("invalid port number: 70000");
  });

  it("a server that does not answer in time fails with Go's timeout text", async () => {
    const out = await prober.run({ httpGet: { port, path: "/slow" } }, target(), 200);
    expect(out.result).toBe("failure");
    expect(out.output).toBe(
      `Get "http://${HOST}:${port}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    );
  });

  it("connection refused says so", async () => {
    const closed = net.createServer();
    const free = await listen(closed);
    await new Promise((r) => closed.close(r));
    const out = await prober.run({ httpGet: { port: free, path: "/" } }, target(), 1000);
    expect(out).toEqual({
      result: "failure",
      output: `Get "http://${HOST}:${free}/": dial tcp ${HOST}:${free}: connect: connection refused`,
    });
  });
});

describe("prober: tcpSocket", () => {
  it("succeeds when the port accepts, fails when refused", async () => {
    expect((await prober.run({ tcpSocket: { port } }, target(), 1000)).result).toBe("success");
    const closed = net.createServer();
    const free = await listen(closed);
    await new Promise((r) => closed.close(r));
    expect(await prober.run({ tcpSocket: { port: free, host: HOST } }, target(), 1000)).toEqual({
      result: "failure",
      output: `dial tcp ${HOST}:${free}: connect: connection refused`,
    });
  });
});

describe("prober: exec", () => {
  it("exit 0 succeeds, another code fails with the output, a hang times out", async () => {
    const clock = new FakeClock();
    const sim = new SimRuntime({ clock });
    const sandbox = await sim.runSandbox({ name: "s", hostname: "s", labels: {} });
    if (!sandbox.ok) throw new Error("sandbox");
    const created = await sim.createContainer(sandbox.value, { name: "c", image: "x", env: {}, labels: {} });
    if (!created.ok) throw new Error("create");
    await sim.startContainer(created.value);
    const p = new Prober(sim);
    const t = { container: container(), containerId: created.value, podIP: HOST };

    sim.onExec((_c, cmd) =>
      cmd[1] === "/tmp/ready" ? { exitCode: 1, output: "cat: can't open '/tmp/ready'\n" } : undefined,
    );
    expect(await p.run({ exec: { command: ["cat", "/etc/hostname"] } }, t, 1000)).toEqual({
      result: "success",
      output: "",
    });
    expect(await p.run({ exec: { command: ["cat", "/tmp/ready"] } }, t, 1000)).toEqual({
      result: "failure",
      output: "cat: can't open '/tmp/ready'\n",
    });
    sim.onExec(() => "hang");
    const pending = p.run({ exec: { command: ["sleep", "9"] } }, t, 1000);
    clock.advance(1000);
    expect(await pending).toEqual({ result: "failure", output: 'command "sleep 9" timed out' });
    expect(sim.execs.map((e) => e.command[0])).toEqual(["cat", "cat", "sleep"]);
  });
});
