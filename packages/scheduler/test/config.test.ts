import { describe, expect, it } from "vitest";
import {
  defaultSchedulerConfig,
  loadSchedulerConfig,
  profilesFromConfig,
  SchedulerConfigError,
} from "../src/config.js";

const base = { apiVersion: "kubescheduler.config.k8s.io/v1", kind: "KubeSchedulerConfiguration" };

function issuesOf(input: string | object): string[] {
  try {
    loadSchedulerConfig(input);
  } catch (err) {
    if (err instanceof SchedulerConfigError) return err.issues;
    throw err;
  }
  throw new Error("expected the configuration to be refused");
}

describe("loadSchedulerConfig", () => {
  it("needs no file: Kubernetes' defaults plus the gpu-binpack profile", () => {
    const c = defaultSchedulerConfig();
    expect(loadSchedulerConfig()).toEqual(c);
    expect(c.profiles.map((p) => p.schedulerName)).toEqual(["default-scheduler", "gpu-binpack"]);
    expect(c).toMatchObject({
      parallelism: 16,
      podInitialBackoffSeconds: 1,
      podMaxBackoffSeconds: 10,
      percentageOfNodesToScore: 0,
    });
    expect(c.leaderElection).toMatchObject({
      leaderElect: true,
      resourceName: "kube-scheduler",
      resourceNamespace: "kube-system",
    });
  });

  it("gives a file without profiles the default profile only", () => {
    const c = loadSchedulerConfig(base);
    expect(c.profiles.map((p) => p.schedulerName)).toEqual(["default-scheduler"]);
  });

  it("reads YAML, overrides a default weight in place and appends new plugins", () => {
    const c = loadSchedulerConfig(`
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
  - schedulerName: packer
    plugins:
      score:
        enabled:
          - name: NodeResourcesFit
            weight: 5
        disabled:
          - name: ImageLocality
      multiPoint:
        enabled:
          - name: GPUBinPacking
            weight: 4
    pluginConfig:
      - name: NodeResourcesFit
        args:
          scoringStrategy:
            type: MostAllocated
            resources:
              - name: cpu
                weight: 1
              - name: nvidia.com/gpu
                weight: 5
`);
    const fw = profilesFromConfig(c).get("packer")!;
    expect(fw.pluginNames("score")).toEqual([
      "NodeResourcesFit",
      "TaintToleration",
      "NodeAffinity",
      "PodTopologySpread",
      "NodeResourcesBalancedAllocation",
      "GPUBinPacking",
    ]);
    expect(fw.scoreWeights()).toMatchObject({ NodeResourcesFit: 5, GPUBinPacking: 4, TaintToleration: 3 });
    expect(fw.pluginNames("filter")).toContain("NodeResourcesFit");
  });

  it("drops every default of a point with disabled '*'", () => {
    const c = loadSchedulerConfig({
      ...base,
      profiles: [{ plugins: { score: { disabled: [{ name: "*" }], enabled: [{ name: "ImageLocality" }] } } }],
    });
    const fw = profilesFromConfig(c).get("default-scheduler")!;
    expect(fw.pluginNames("score")).toEqual(["ImageLocality"]);
    expect(fw.scoreWeights()).toEqual({ ImageLocality: 1 });
  });

  it("names the field in every error", () => {
    expect(issuesOf({ ...base, apiVersion: "kubescheduler.config.k8s.io/v1beta3" })[0]).toMatch(
      /^apiVersion: /,
    );
    expect(
      issuesOf({ ...base, profiles: [{ plugins: { score: { enabled: [{ name: "X", weight: "high" }] } } }] }),
    ).toEqual([expect.stringMatching(/^profiles\[0\]\.plugins\.score\.enabled\[0\]\.weight: /)]);
    expect(issuesOf({ ...base, profiles: [{ plugins: { sore: {} } }] })[0]).toMatch(
      /^profiles\[0\]\.plugins: .*sore/,
    );
    expect(issuesOf({ ...base, podMaxBackoffSeconds: 0 })[0]).toMatch(/^podMaxBackoffSeconds: /);
  });

  it("refuses unknown plugins and plugins at points they do not serve", () => {
    expect(
      issuesOf({ ...base, profiles: [{ plugins: { filter: { enabled: [{ name: "Nope" }] } } }] }),
    ).toEqual(['profiles[0].plugins.filter.enabled[0].name: plugin "Nope" does not exist']);
    expect(
      issuesOf({ ...base, profiles: [{ plugins: { score: { enabled: [{ name: "NodeName" }] } } }] }),
    ).toEqual(['profiles[0].plugins: plugin "NodeName" does not extend score']);
  });

  it("checks plugin args against their schema", () => {
    const bad = {
      ...base,
      profiles: [
        {
          pluginConfig: [
            { name: "NodeResourcesFit", args: { scoringStrategy: { type: "Spread" } } },
            { name: "PodTopologySpread", args: { defaultingType: "Sometimes" } },
          ],
        },
      ],
    };
    const issues = issuesOf(bad);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(/^profiles\[0\]\.pluginConfig\[0\]\.args\.scoringStrategy\.type: /);
    expect(issues[1]).toMatch(/^profiles\[0\]\.pluginConfig\[1\]\.args\.defaultingType: /);
  });

  it("refuses duplicate scheduler names, repeated plugin config and bad YAML", () => {
    expect(issuesOf({ ...base, profiles: [{}, { schedulerName: "default-scheduler" }] })).toEqual([
      'profiles[1].schedulerName: duplicate profile with scheduler name "default-scheduler"',
    ]);
    expect(
      issuesOf({
        ...base,
        profiles: [{ pluginConfig: [{ name: "NodeAffinity" }, { name: "NodeAffinity" }] }],
      }),
    ).toEqual(['profiles[0].pluginConfig[1].name: repeated config for plugin "NodeAffinity"']);
    expect(issuesOf("profiles: [unclosed")[0]).toMatch(/^\(root\): not YAML/);
    expect(issuesOf("just a string")[0]).toMatch(/expected a KubeSchedulerConfiguration object/);
  });

  it("lets the error message list the fields", () => {
    expect(() => loadSchedulerConfig({ ...base, parallelism: -1 })).toThrow(
      /invalid scheduler configuration:\n {2}parallelism: /,
    );
  });
});
