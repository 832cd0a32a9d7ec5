import { describe, expect, it } from "vitest";
import { formatHistory } from "../src/actions/rollout-history.js";
import { rolloutPatch } from "../src/actions/rollout-patch.js";
import { deploymentStatus } from "../src/actions/rollout-status.js";
import { pickRevision, rollbackPatch } from "../src/actions/rollout-undo.js";
import { sameTemplateIgnoringHash } from "../src/workloads/deployment-history.js";

const dep = (status: object, extra: object = {}) => ({
  metadata: { name: "web", generation: 2 },
  spec: { replicas: 3 },
  status: { observedGeneration: 2, ...status },
  ...extra,
});

describe("rollout status messages", () => {
  it("follows kubectl's DeploymentStatusViewer", () => {
    expect(deploymentStatus(dep({ observedGeneration: 1 })).message).toBe(
      "Waiting for deployment spec update to be observed...\n",
    );
    expect(deploymentStatus(dep({ updatedReplicas: 1, replicas: 3 })).message).toBe(
      'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n',
    );
    expect(deploymentStatus(dep({ updatedReplicas: 3, replicas: 4 })).message).toBe(
      'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...\n',
    );
    expect(deploymentStatus(dep({ updatedReplicas: 3, replicas: 3, availableReplicas: 2 })).message).toBe(
      'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...\n',
    );
    expect(deploymentStatus(dep({ updatedReplicas: 3, replicas: 3, availableReplicas: 3 }))).toEqual({
      message: 'deployment "web" successfully rolled out\n',
      done: true,
    });
  });

  it("fails on ProgressDeadlineExceeded and on a revision that is not the running one", () => {
    const stuck = dep({
      conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }],
    });
    expect(() => deploymentStatus(stuck)).toThrow('deployment "web" exceeded its progress deadline');
    const rev = dep(
      {},
      { metadata: { name: "web", annotations: { "deployment.kubernetes.io/revision": "2" } } },
    );
    expect(() => deploymentStatus(rev, 3)).toThrow(
      "desired revision (3) is different from the running revision (2)",
    );
  });
});

describe("rollout history and undo", () => {
  it("prints REVISION and CHANGE-CAUSE as kubectl's tabwriter does", () => {
    const t = (cause?: string) => ({
      metadata: cause ? { annotations: { "kubernetes.io/change-cause": cause } } : {},
    });
    expect(
      formatHistory([
        { revision: 1, template: t() },
        { revision: 12, template: t("set image") },
      ]),
    ).toBe("REVISION  CHANGE-CAUSE\n1         <none>\n12        set image\n");
    expect(formatHistory([])).toBe("No rollout history found.");
  });

  it("undo sends the revision's template without its hash and keeps the deployment's own annotations", () => {
    const deployment = {
      metadata: {
        annotations: {
          "deployment.kubernetes.io/revision": "2",
          "kubernetes.io/change-cause": "new",
          team: "a",
        },
      },
    };
    const rs = {
      metadata: {
        annotations: { "deployment.kubernetes.io/revision": "1", "kubernetes.io/change-cause": "old" },
      },
      spec: {
        template: {
          metadata: { labels: { app: "web", "pod-template-hash": "abc" } },
          spec: { containers: [] },
        },
      },
    };
    expect(rollbackPatch(deployment, rs)).toEqual([
      {
        op: "replace",
        path: "/spec/template",
        value: { metadata: { labels: { app: "web" } }, spec: { containers: [] } },
      },
      {
        op: "replace",
        path: "/metadata/annotations",
        value: { "deployment.kubernetes.io/revision": "2", "kubernetes.io/change-cause": "old" },
      },
    ]);
    expect(rs.spec.template.metadata.labels["pod-template-hash"]).toBe("abc");
  });

  it("picks the previous revision by default, or the one asked for", () => {
    const sets = [1, 2, 5].map((revision) => ({ revision, rs: { revision } }));
    expect(pickRevision("web", sets, 0)).toEqual({ revision: 2 });
    expect(pickRevision("web", sets, 5)).toEqual({ revision: 5 });
    expect(() => pickRevision("web", sets, 4)).toThrow("unable to find specified revision 4 in history");
    expect(() => pickRevision("web", sets.slice(0, 1), 0)).toThrow(
      'no rollout history found for deployment "web"',
    );
  });

  it("compares templates ignoring pod-template-hash", () => {
    const a = {
      metadata: { labels: { app: "web", "pod-template-hash": "x" } },
      spec: { containers: [{ name: "c" }] },
    };
    const b = { spec: { containers: [{ name: "c" }] }, metadata: { labels: { app: "web" } } };
    expect(sameTemplateIgnoringHash(a, b)).toBe(true);
    expect(sameTemplateIgnoringHash(a, { ...b, spec: { containers: [{ name: "d" }] } })).toBe(false);
  });
});

describe("rollout restart, pause and resume patches", () => {
  const now = new Date(2024, 0, 2, 3, 4, 5);
  it("patches restartedAt into the template, or refuses a paused deployment", () => {
    const result = rolloutPatch("restart", { kind: "Deployment", spec: {} }, now) as {
      patch: { spec: { template: { metadata: { annotations: Record<string, string> } } } };
    };
    expect(result.patch.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]).toMatch(
      /^2024-01-02T03:04:05(Z|[+-]\d\d:\d\d)$/,
    );
    expect(rolloutPatch("restart", { kind: "Deployment", spec: { paused: true } }, now)).toEqual({
      error: "can't restart paused deployment (run rollout resume first)",
    });
  });

  it("sets and clears spec.paused", () => {
    expect(rolloutPatch("pause", { kind: "Deployment", spec: {} }, now)).toEqual({
      patch: { spec: { paused: true } },
    });
    expect(rolloutPatch("pause", { kind: "Deployment", spec: { paused: true } }, now)).toEqual({
      error: "is already paused",
    });
    expect(rolloutPatch("resume", { kind: "Deployment", spec: { paused: true } }, now)).toEqual({
      patch: { spec: { paused: null } },
    });
    expect(rolloutPatch("resume", { kind: "Deployment", spec: {} }, now)).toEqual({ error: "is not paused" });
    expect(rolloutPatch("pause", { kind: "Pod", spec: {} }, now)).toEqual({
      error: "pausing is not supported",
    });
  });
});
