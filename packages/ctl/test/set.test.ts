import { describe, expect, it } from "vitest";
import { deploymentFor } from "../src/actions/create-deployment.js";
import { podFor } from "../src/actions/run.js";
import { envPatch, parseEnvChanges } from "../src/actions/set-env.js";
import { imagePatch } from "../src/actions/set-image.js";
import { parseResourceList, resourcesPatch } from "../src/actions/set-resources.js";

const TEMPLATE = ["spec", "template", "spec"];
const spec = {
  containers: [
    {
      name: "web",
      image: "httpd:1",
      env: [
        { name: "A", value: "1" },
        { name: "B", value: "2" },
      ],
    },
    { name: "side", image: "busybox:1" },
  ],
};

describe("set patches", () => {
  it("image: only changed containers, with their order", () => {
    expect(imagePatch(TEMPLATE, spec, { web: "httpd:2" })).toEqual({
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "web" }, { name: "side" }],
            containers: [{ image: "httpd:2", name: "web" }],
          },
        },
      },
    });
    expect(imagePatch(["spec"], spec, { "*": "busybox:1" })).toEqual({
      spec: {
        "$setElementOrder/containers": [{ name: "web" }, { name: "side" }],
        containers: [{ image: "busybox:1", name: "web" }],
      },
    });
    expect(imagePatch(TEMPLATE, spec, { side: "busybox:1" })).toBeUndefined();
    expect(() => imagePatch(TEMPLATE, spec, { db: "x" })).toThrow('unable to find container named "db"');
  });

  it("env: sets, removes with $patch: delete, keeps the order", () => {
    const patch = envPatch(TEMPLATE, spec, parseEnvChanges(["B=3", "C=4", "A-"]), "web");
    expect(patch.spec.template.spec.containers).toEqual([
      {
        name: "web",
        "$setElementOrder/env": [{ name: "B" }, { name: "C" }],
        env: [
          { name: "B", value: "3" },
          { name: "C", value: "4" },
          { $patch: "delete", name: "A" },
        ],
      },
    ]);
    expect(envPatch(TEMPLATE, spec, parseEnvChanges(["A=1"]), "web")).toBeUndefined();
    expect(() => parseEnvChanges(["oops"])).toThrow(
      "environment variables must be of the form key=value: oops",
    );
  });

  it("resources: limits and requests that differ", () => {
    expect(parseResourceList("cpu=200m,memory=512Mi")).toEqual({ cpu: "200m", memory: "512Mi" });
    const patch = resourcesPatch(TEMPLATE, spec, { cpu: "200m" }, { memory: "1Gi" }, "side");
    expect(patch.spec.template.spec.containers).toEqual([
      { name: "side", resources: { limits: { cpu: "200m" }, requests: { memory: "1Gi" } } },
    ]);
  });
});

describe("generated objects", () => {
  it("create deployment: labels app=NAME, containers named after their images", () => {
    const d = deploymentFor("web", ["docker.io/library/my_app:1", "nginx@sha256:abc"], 2, 8080, ["serve"]);
    expect(d).toMatchObject({
      metadata: { name: "web", labels: { app: "web" } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            containers: [
              {
                name: "my-app",
                image: "docker.io/library/my_app:1",
                command: ["serve"],
                ports: [{ containerPort: 8080 }],
              },
              { name: "nginx", image: "nginx@sha256:abc", command: ["serve"] },
            ],
          },
        },
      },
    });
  });

  it("run: a bare pod labelled run=NAME, arguments as args or, with --command, command", () => {
    const p = podFor("once", ["echo", "hi"], { image: "busybox", restart: "Never" });
    expect(p).toMatchObject({
      metadata: { name: "once", labels: { run: "once" } },
      spec: {
        restartPolicy: "Never",
        dnsPolicy: "ClusterFirst",
        containers: [{ name: "once", image: "busybox", args: ["echo", "hi"] }],
      },
    });
    const c = podFor("once", ["sleep", "1"], { image: "busybox", command: true });
    expect((c.spec as { containers: { command?: string[] }[] }).containers[0]?.command).toEqual([
      "sleep",
      "1",
    ]);
  });
});
