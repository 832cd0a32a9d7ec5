import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  emptyKubeConfig,
  kubeconfigPathForWrite,
  kubeconfigPaths,
  loadClientConfig,
  loadKubeConfig,
  modifyKubeConfig,
  parseKubeConfig,
  readKubeConfig,
  setCluster,
  setContext,
  setUser,
  useContext,
} from "../src/kubeconfig.js";

const FIRST = `
apiVersion: v1
kind: Config
current-context: dev
clusters:
  - name: local
    cluster:
      server: https://127.0.0.1:6443
      certificate-authority: ca.crt
users:
  - name: admin
    user:
      token: first-token
contexts:
  - name: dev
    context: { cluster: local, user: admin, namespace: team-a }
`;

const SECOND = `
apiVersion: v1
kind: Config
current-context: prod
clusters:
  - name: local
    cluster: { server: https://should-not-win:6443 }
  - name: remote
    cluster:
      server: https://10.0.0.1:6443
      certificate-authority-data: ${Buffer.from("REMOTE CA PEM").toString("base64")}
users:
  - name: admin
    user: { token: second-token }
  - name: certs
    user:
      client-certificate-data: ${Buffer.from("CERT PEM").toString("base64")}
      client-key-data: ${Buffer.from("KEY PEM").toString("base64")}
contexts:
  - name: prod
    context: { cluster: remote, user: certs }
`;

describe("kubeconfig", () => {
  let dir: string;
  let env: Record<string, string | undefined>;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "kubeconfig-"));
    await writeFile(join(dir, "first"), FIRST);
    await writeFile(join(dir, "second"), SECOND);
    await writeFile(join(dir, "ca.crt"), "LOCAL CA PEM");
    env = { HOME: dir, KUBECONFIG: `${join(dir, "first")}:${join(dir, "second")}` };
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("chooses files: explicit, else KUBECONFIG, else ~/.kube/config", async () => {
    expect(kubeconfigPaths("/x/y", env)).toEqual(["/x/y"]);
    expect(kubeconfigPaths(undefined, env)).toEqual([join(dir, "first"), join(dir, "second")]);
    expect(kubeconfigPaths(undefined, { HOME: dir })).toEqual([join(dir, ".kube", "config")]);
    expect(await kubeconfigPathForWrite(undefined, env)).toBe(join(dir, "first"));
  });

  it("merges KUBECONFIG files: the first file wins for each name and for current-context", async () => {
    const config = await loadKubeConfig({ env });
    expect(config["current-context"]).toBe("dev");
    expect(config.clusters.map((c) => [c.name, c.cluster.server])).toEqual([
      ["local", "https://127.0.0.1:6443"],
      ["remote", "https://10.0.0.1:6443"],
    ]);
    expect(config.users.find((u) => u.name === "admin")?.user.token).toBe("first-token");
    expect(config.contexts.map((c) => c.name)).toEqual(["dev", "prod"]);
  });

  it("resolves the current context, reading files relative to the kubeconfig", async () => {
    const resolved = await loadClientConfig({ env });
    expect(resolved).toEqual({
      server: "https://127.0.0.1:6443",
      namespace: "team-a",
      context: "dev",
      ca: "LOCAL CA PEM",
      token: "first-token",
    });
  });

  it("resolves another context with inline certificate data, and applies overrides", async () => {
    const resolved = await loadClientConfig({ env, context: "prod", namespace: "ops" });
    expect(resolved).toMatchObject({
      server: "https://10.0.0.1:6443",
      namespace: "ops",
      ca: "REMOTE CA PEM",
      cert: "CERT PEM",
      key: "KEY PEM",
    });
    expect(resolved.token).toBeUndefined();
    const overridden = await loadClientConfig({ env, server: "http://127.0.0.1:8080" });
    expect(overridden.server).toBe("http://127.0.0.1:8080");
    expect(overridden.token).toBe("first-token");
  });

  it("works with only --server, and explains what to do with neither", async () => {
    const none = { HOME: dir };
    expect(await loadClientConfig({ env: none, server: "http://127.0.0.1:8080" })).toEqual({
      server: "http://127.0.0.1:8080",
      namespace: "default",
    });
    await expect(loadClientConfig({ env: none })).rejects.toThrow(/npx minik8s up/);
    await expect(loadClientConfig({ env, context: "missing" })).rejects.toThrow(
      /context "missing" is not in/,
    );
    await expect(loadClientConfig({ env, kubeconfig: join(dir, "absent") })).rejects.toThrow(
      /does not exist/,
    );
  });

  it("reports malformed files with their path", async () => {
    await expect(parseKubeConfig("clusters: 3", "/etc/kc")).rejects.toThrow(
      "/etc/kc: clusters must be a list",
    );
    await expect(parseKubeConfig("users: [{user: {}}]", "/etc/kc")).rejects.toThrow(
      "/etc/kc: users[0] needs a name",
    );
    await expect(parseKubeConfig("clusters: [", "/etc/kc")).rejects.toThrow("/etc/kc: not valid YAML");
  });

  it("keeps parsed files in the cache folder, used only for the very same text", async () => {
    const cacheDir = join(dir, "cache");
    const path = join(dir, "first");
    const text = await readFile(path, "utf8");
    const parsed = await parseKubeConfig(text, path, { cacheDir });
    expect(parsed["current-context"]).toBe("dev");
    const folder = join(cacheDir, "minik8s", "kubeconfig");
    const [entry, ...others] = await readdir(folder);
    expect(others).toEqual([]);
    // It holds credentials: the owner's alone.
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    expect((await stat(join(folder, entry!))).mode & 0o777).toBe(0o600);

    // Whatever the entry says is what the same text parses to: the YAML parser is not run again.
    const stored = JSON.parse(await readFile(join(folder, entry!), "utf8"));
    stored.document["current-context"] = "from-cache";
    await writeFile(join(folder, entry!), JSON.stringify(stored));
    expect((await parseKubeConfig(text, path, { cacheDir }))["current-context"]).toBe("from-cache");

    // A file edited since is parsed again, and its entry replaced.
    const edited = text.replace("current-context: dev", "current-context: prod");
    expect((await parseKubeConfig(edited, path, { cacheDir }))["current-context"]).toBe("prod");
    expect((await parseKubeConfig(edited, path, { cacheDir }))["current-context"]).toBe("prod");
    expect(await readdir(folder)).toEqual([entry]);
  });

  it("reads files without a cache when the cache folder cannot be written", async () => {
    const blocker = join(dir, "not-a-folder");
    await writeFile(blocker, "");
    const config = await readKubeConfig(join(dir, "first"), { cacheDir: blocker });
    expect(config["current-context"]).toBe("dev");
  });

  it("sets cluster, user and context, switches context, and writes mode 0600", async () => {
    const path = join(dir, "new", "config");
    let config = setCluster(emptyKubeConfig(), "minik8s", { server: "https://127.0.0.1:6443" });
    config = setCluster(config, "minik8s", { "insecure-skip-tls-verify": true });
    config = setUser(config, "admin", { token: "t0k3n" });
    config = setContext(config, "minik8s", { cluster: "minik8s", user: "admin" });
    config = setContext(config, "minik8s", { namespace: "apps" });
    expect(() => useContext(config, "other")).toThrow(/no context exists with the name "other"/);
    config = useContext(config, "minik8s");
    await modifyKubeConfig(path, () => config);

    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const back = await readKubeConfig(path);
    expect(back.clusters).toEqual([
      { name: "minik8s", cluster: { server: "https://127.0.0.1:6443", "insecure-skip-tls-verify": true } },
    ]);
    expect(back.contexts).toEqual([
      { name: "minik8s", context: { cluster: "minik8s", user: "admin", namespace: "apps" } },
    ]);
    expect(back["current-context"]).toBe("minik8s");
    expect(await readFile(path, "utf8")).toContain("current-context: minik8s");

    const resolved = await loadClientConfig({ kubeconfig: path, env: {} });
    expect(resolved).toMatchObject({
      server: "https://127.0.0.1:6443",
      token: "t0k3n",
      insecureSkipTLSVerify: true,
    });
  });

  it("treats a missing file as empty when reading one file", async () => {
    expect(await readKubeConfig(join(dir, "nothing"))).toEqual(emptyKubeConfig());
  });
});
