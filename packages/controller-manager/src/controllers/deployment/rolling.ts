import type { ReplicaSet } from "@minik8s/api/schemas/apps";
import { type DeploymentContext, keyOf } from "./context.js";
import { syncRolloutStatus } from "./progress.js";
import { allOf, cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSet } from "./sync.js";
import {
  availableLowerBound,
  byCreation,
  deploymentComplete,
  desiredReplicas,
  maxUnavailable,
  newRSNewReplicas,
  specReplicas,
  sumSpecReplicas,
} from "./util.js";

/**
 * One step of a RollingUpdate (Kubernetes' rolloutRolling): grow the new ReplicaSet as far as
 * maxSurge allows; else shrink old ones as far as maxUnavailable allows; report. Each sync
 * takes one step and returns; the ReplicaSets' status changes bring it back for the next.
 */
export async function rolloutRolling(ctx: DeploymentContext, rsList: ReplicaSet[]): Promise<void> {
  const sets = await getAllReplicaSetsAndSyncRevision(ctx, rsList, true);
  const { newRS, oldRSs } = sets;
  const all = allOf(sets);

  if (newRS && (await reconcileNewReplicaSet(ctx, all, newRS))) {
    await syncRolloutStatus(ctx, all, newRS);
    return;
  }
  if (await reconcileOldReplicaSets(ctx, all, oldRSs, newRS)) {
    await syncRolloutStatus(ctx, all, newRS);
    return;
  }
  if (deploymentComplete(ctx.d, ctx.d.status ?? {})) await cleanupDeployment(ctx, oldRSs);
  await syncRolloutStatus(ctx, all, newRS);
}

async function reconcileNewReplicaSet(
  ctx: DeploymentContext,
  all: ReplicaSet[],
  newRS: ReplicaSet,
): Promise<boolean> {
  const want = desiredReplicas(ctx.d);
  if (specReplicas(newRS) === want) return false;
  if (specReplicas(newRS) > want) return scaleReplicaSet(ctx, newRS, want);
  return scaleReplicaSet(ctx, newRS, newRSNewReplicas(ctx.d, all, newRS));
}

/**
 * Kubernetes' reconcileOldReplicaSets. How many old pods may go now: everything above
 * minAvailable (replicas - maxUnavailable), less the new ReplicaSet's pods that are not yet
 * available (they may never be). Unhealthy old pods go first: losing them costs no availability.
 */
async function reconcileOldReplicaSets(
  ctx: DeploymentContext,
  all: ReplicaSet[],
  oldRSs: ReplicaSet[],
  newRS: ReplicaSet | undefined,
): Promise<boolean> {
  if (sumSpecReplicas(oldRSs) === 0) return false;
  const minAvailable = desiredReplicas(ctx.d) - maxUnavailable(ctx.d);
  const newUnavailable = specReplicas(newRS) - availableLowerBound(newRS);
  const maxScaledDown = sumSpecReplicas(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;

  const cleaned = await cleanupUnhealthyReplicas(ctx, oldRSs, maxScaledDown);
  const scaledDown = await scaleDownOldReplicaSets(ctx, all, oldRSs, minAvailable);
  const total = cleaned + scaledDown;
  if (total > 0) {
    ctx.log.info(
      { deployment: keyOf(ctx), unhealthy: cleaned, available: scaledDown, minAvailable },
      "scaled down old pods",
    );
  }
  return total > 0;
}

/** Old ReplicaSets' unavailable pods, oldest ReplicaSet first, at most `limit`. */
async function cleanupUnhealthyReplicas(
  ctx: DeploymentContext,
  oldRSs: ReplicaSet[],
  limit: number,
): Promise<number> {
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= limit) break;
    if (specReplicas(rs) === 0) continue;
    const unhealthy = specReplicas(rs) - availableLowerBound(rs);
    if (unhealthy <= 0) continue;
    const count = Math.min(limit - total, unhealthy);
    await scaleReplicaSet(ctx, rs, specReplicas(rs) - count);
    total += count;
  }
  return total;
}

/** Available old pods above minAvailable, oldest ReplicaSet first. */
async function scaleDownOldReplicaSets(
  ctx: DeploymentContext,
  all: ReplicaSet[],
  oldRSs: ReplicaSet[],
  minAvailable: number,
): Promise<number> {
  const available = all.reduce((n, rs) => n + availableLowerBound(rs), 0);
  if (available <= minAvailable) return 0;
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= budget) break;
    if (specReplicas(rs) === 0) continue;
    const count = Math.min(specReplicas(rs), budget - total);
    await scaleReplicaSet(ctx, rs, specReplicas(rs) - count);
    total += count;
  }
  return total;
}
