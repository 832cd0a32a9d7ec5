import { z } from "zod";
import { listOf } from "./list.js";
import { ObjectMetaOrEmpty } from "./meta.js";
import { Int, MicroTime } from "./primitives.js";

export const LeaseSpec = z.strictObject({
  holderIdentity: z.string().optional(),
  leaseDurationSeconds: Int.optional(),
  acquireTime: MicroTime.optional(),
  renewTime: MicroTime.optional(),
  leaseTransitions: Int.optional(),
  strategy: z.string().optional(),
  preferredHolder: z.string().optional(),
});
export type LeaseSpec = z.infer<typeof LeaseSpec>;

/** Node heartbeats and leader election both hold a Lease. */
export const Lease = z.strictObject({
  apiVersion: z.literal("coordination.k8s.io/v1"),
  kind: z.literal("Lease"),
  metadata: ObjectMetaOrEmpty,
  spec: LeaseSpec.optional(),
});
export type Lease = z.infer<typeof Lease>;
export const LeaseList = listOf("coordination.k8s.io/v1", "LeaseList", Lease);
export type LeaseList = z.infer<typeof LeaseList>;
