import { deepCopy } from "@minik8s/api";
import { deepEqual } from "@minik8s/api/deep-equal";
import type { DeploymentStatus, ReplicaSet } from "@minik8s/api/schemas/apps";
import { type DeploymentContext, keyOf, writeStatus } from "./context.js";
import { calculateStatus } from "./sync.js";
import {
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  hasProgressDeadline,
  newCondition,
  REASON_NEW_RS_AVAILABLE,
  REASON_PAUSED,
  REASON_RESUMED,
  REASON_RS_UPDATED,
  REASON_TIMED_OUT,
  removeCondition,
  setCondition,
} from "./util.js";

/**
 * Kubernetes' syncRolloutStatus: the status counts, and the Progressing condition judged from
 * them. Complete: NewReplicaSetAvailable. Any progress since the last status:
 * ReplicaSetUpdated with a fresh lastUpdateTime. No progress for progressDeadlineSeconds since
 * that time: False, ProgressDeadlineExceeded (what makes `kubectl rollout status` fail). A
 * ReplicaSet's ReplicaFailure condition is copied up.
 */
export async function syncRolloutStatus(
  ctx: DeploymentContext,
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
): Promise<void> {
  const d = ctx.d;
  const now = ctx.clock.now();
  const status = calculateStatus(d, allRSs, newRS, now);
  if (!hasProgressDeadline(d)) removeCondition(status, "Progressing");
  const current = getCondition(d.status, "Progressing");
  const complete = status.replicas === status.updatedReplicas && current?.reason === REASON_NEW_RS_AVAILABLE;
  if (hasProgressDeadline(d) && !complete) {
    const what = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    if (deploymentComplete(d, status)) {
      setCondition(
        status,
        newCondition(
          "Progressing",
          "True",
          REASON_NEW_RS_AVAILABLE,
          `${what} has successfully progressed.`,
          now,
        ),
      );
    } else if (deploymentProgressing(d, status)) {
      const condition = newCondition(
        "Progressing",
        "True",
        REASON_RS_UPDATED,
        `${what} is progressing.`,
        now,
      );
      // Progress moves lastUpdateTime even when the reason stays: that restarts the deadline.
      if (current?.status === "True") condition.lastTransitionTime = current.lastTransitionTime;
      removeCondition(status, "Progressing");
      status.conditions = [...(status.conditions ?? []), condition];
    } else if (deploymentTimedOut(d, status, now)) {
      setCondition(
        status,
        newCondition("Progressing", "False", REASON_TIMED_OUT, `${what} has timed out progressing.`, now),
      );
      if (current?.reason !== REASON_TIMED_OUT) {
        ctx.log.warn(
          { deployment: keyOf(ctx), deadlineSeconds: d.spec.progressDeadlineSeconds },
          "rollout timed out",
        );
        ctx.events.event(d, "Warning", REASON_TIMED_OUT, `${what} has timed out progressing.`);
      }
    }
  }
  const failure =
    newRS?.status?.conditions?.find((c) => c.type === "ReplicaFailure" && c.status === "True") ??
    allRSs
      .flatMap((rs) => rs.status?.conditions ?? [])
      .find((c) => c.type === "ReplicaFailure" && c.status === "True");
  if (failure) {
    setCondition(status, {
      type: "ReplicaFailure",
      status: failure.status,
      reason: failure.reason,
      message: failure.message,
      lastUpdateTime: failure.lastTransitionTime,
      lastTransitionTime: failure.lastTransitionTime,
    });
  } else {
    removeCondition(status, "ReplicaFailure");
  }
  if (deepEqual(d.status ?? {}, status)) {
    requeueStuck(ctx, status);
    return;
  }
  await writeStatus(ctx, status);
  requeueStuck(ctx, status);
}

/**
 * A rollout that makes no progress produces no events to wake us: come back when its deadline
 * would pass, so ProgressDeadlineExceeded is reported on time.
 */
function requeueStuck(ctx: DeploymentContext, status: DeploymentStatus): void {
  const d = ctx.d;
  const cond = getCondition(status, "Progressing");
  if (!hasProgressDeadline(d) || !cond) return;
  if (cond.reason === REASON_NEW_RS_AVAILABLE || cond.reason === REASON_TIMED_OUT) return;
  if (deploymentComplete(d, status)) return;
  const from = Date.parse(cond.lastUpdateTime ?? "");
  if (!Number.isFinite(from)) return;
  const after = from + (d.spec.progressDeadlineSeconds ?? 600) * 1000 - ctx.clock.now();
  // Timestamps have whole seconds: a little past the deadline is when it has surely passed.
  ctx.requeueAfter(Math.max(after, 0) + 1000);
}

/** Pausing and resuming show in the Progressing condition (Unknown), unless it already timed out. */
export async function checkPausedConditions(ctx: DeploymentContext): Promise<void> {
  const d = ctx.d;
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status, "Progressing");
  if (cond?.reason === REASON_TIMED_OUT) return;
  const pausedShown = cond?.reason === REASON_PAUSED;
  const now = ctx.clock.now();
  const status = deepCopy(d.status ?? {});
  if (d.spec.paused && !pausedShown) {
    setCondition(status, newCondition("Progressing", "Unknown", REASON_PAUSED, "Deployment is paused", now));
  } else if (!d.spec.paused && pausedShown) {
    setCondition(
      status,
      newCondition("Progressing", "Unknown", REASON_RESUMED, "Deployment is resumed", now),
    );
  } else {
    return;
  }
  await writeStatus(ctx, status);
}
