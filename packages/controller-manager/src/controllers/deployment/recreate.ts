import type { ReplicaSet } from "@minik8s/api/schemas/apps";
import { type DeploymentContext, keyOf } from "./context.js";
import { syncRolloutStatus } from "./progress.js";
import { allOf, cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSet } from "./sync.js";
import { activeReplicaSets, deploymentComplete, desiredReplicas, specReplicas } from "./util.js";

/**
 * The Recreate strategy (Kubernetes' rolloutRecreate): every old pod goes first, and only when
 * none is left running does the new ReplicaSet appear at full size. Never two versions at once.
 */
export async function rolloutRecreate(ctx: DeploymentContext, rsList: ReplicaSet[]): Promise<void> {
  let sets = await getAllReplicaSetsAndSyncRevision(ctx, rsList, false);
  let scaledDown = false;
  for (const rs of activeReplicaSets(sets.oldRSs)) {
    if (await scaleReplicaSet(ctx, rs, 0)) scaledDown = true;
  }
  if (scaledDown) {
    await syncRolloutStatus(ctx, allOf(sets), sets.newRS);
    return;
  }
  const running = sets.oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0 || ctx.podsOf(rs).length > 0);
  if (running) {
    ctx.log.debug({ deployment: keyOf(ctx) }, "waiting for old pods to stop before creating new ones");
    await syncRolloutStatus(ctx, allOf(sets), sets.newRS);
    return;
  }
  if (!sets.newRS) sets = await getAllReplicaSetsAndSyncRevision(ctx, rsList, true);
  if (sets.newRS && specReplicas(sets.newRS) !== desiredReplicas(ctx.d)) {
    await scaleReplicaSet(ctx, sets.newRS, desiredReplicas(ctx.d));
  }
  if (deploymentComplete(ctx.d, ctx.d.status ?? {})) await cleanupDeployment(ctx, sets.oldRSs);
  await syncRolloutStatus(ctx, allOf(sets), sets.newRS);
}
