import type { Deployment, DeploymentStatus, ReplicaSet } from "@minik8s/api/schemas/apps";
import type { Pod } from "@minik8s/api/schemas/core";
import type { Client, Clock, EventRecorder, Logger } from "@minik8s/client";
import { objectKey } from "@minik8s/client";

/**
 * What one sync of one Deployment works with. `d` is replaced by what the apiserver returns
 * after each write, so a second write in the same sync carries a current resourceVersion.
 */
export interface DeploymentContext {
  client: Client;
  events: EventRecorder;
  log: Logger;
  clock: Clock;
  d: Deployment;
  /** The active pods a ReplicaSet controls, from the informer cache. */
  podsOf(rs: ReplicaSet): Pod[];
  /** Come back to this Deployment after `ms` (minReadySeconds, progress deadlines). */
  requeueAfter(ms: number): void;
}

export const keyOf = (ctx: DeploymentContext): string => objectKey(ctx.d);

/** PUTs the status; the reply becomes `ctx.d`. */
export async function writeStatus(ctx: DeploymentContext, status: DeploymentStatus): Promise<void> {
  ctx.d = await ctx.client.updateStatus<Deployment>({ ...ctx.d, status });
}
