import {
  DecodeError,
  decodeObject,
  type Eviction,
  errors,
  InvalidObjectError,
  isConflict,
  labelSelectorFromObject,
  type PodDisruptionBudget,
  rfc3339,
  StatusError,
  statusCauseOf,
  successStatus,
  validateDecoded,
} from "@minik8s/api";
import type { Logger } from "pino";
import type { ApiObject } from "../watch/watch-event.js";
import type { ResourceStorage } from "./resource-storage.js";
import type { DeleteOptions } from "./strategy.js";

/** Kubernetes' MaxDisruptedPodSize: evictions the controller has not confirmed, per budget. */
const MAX_DISRUPTED_PODS = 2000;
/** Read-check-write rounds before giving up when other evictions keep changing the budget. */
const MAX_RETRIES = 16;

export interface EvictionStorages {
  pods: ResourceStorage;
  pdbs: ResourceStorage;
  log?: Logger;
}

interface PodLike extends ApiObject {
  status?: { phase?: string; conditions?: { type?: string; status?: string }[] };
}

/**
 * `POST .../pods/NAME/eviction` (Kubernetes' EvictionREST): delete a pod only if the
 * PodDisruptionBudget that covers it allows one more disruption, and take that disruption from
 * the budget first (a compare-and-swap on the budget's status, so two evictions racing for the
 * last allowed disruption cannot both win). A pod that is not running yet, has finished or is
 * already going needs no budget. Refusal is 429 TooManyRequests, which clients retry.
 */
export async function evictPod(
  storages: EvictionStorages,
  namespace: string,
  name: string,
  body: unknown,
  dryRun: boolean,
): Promise<ApiObject> {
  const eviction = decodeEviction(body);
  if (eviction.metadata.name && eviction.metadata.name !== name) {
    throw errors.badRequest("name in URL does not match name in Eviction object");
  }
  const deleteOptions: DeleteOptions = { ...(eviction.deleteOptions as DeleteOptions | undefined) };
  const dry = dryRun || (deleteOptions.dryRun ?? []).includes("All");
  const log = storages.log?.child({ pod: `${namespace}/${name}` });

  for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
    const pod = (await storages.pods.get(namespace, name)) as PodLike;
    // Never delete a replacement that took the name while we were deciding.
    const options: DeleteOptions = {
      ...deleteOptions,
      preconditions: { uid: pod.metadata?.uid as string, ...deleteOptions.preconditions },
    };
    if (canIgnoreBudget(pod)) {
      await deletePod(storages.pods, pod, options, dry);
      log?.info({ phase: pod.status?.phase }, "evicted (no disruption budget applies)");
      return successStatus() as unknown as ApiObject;
    }
    const budgets = await budgetsFor(storages.pdbs, namespace, pod);
    if (budgets.length > 1) {
      throw errors.internal(
        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
      );
    }
    const pdb = budgets[0];
    if (!pdb) {
      await deletePod(storages.pods, pod, options, dry);
      log?.info("evicted (no disruption budget selects it)");
      return successStatus() as unknown as ApiObject;
    }
    const pdbName = pdb.metadata.name ?? "";
    if (!isReady(pod) && unhealthyMayGo(pdb)) {
      await deletePod(storages.pods, pod, options, dry);
      log?.info({ pdb: pdbName }, "evicted unhealthy pod without using the budget");
      return successStatus() as unknown as ApiObject;
    }
    checkBudget(pdb);
    if (!dry) {
      const status = pdb.status!;
      const next = {
        ...pdb,
        status: {
          ...status,
          disruptionsAllowed: status.disruptionsAllowed - 1,
          disruptedPods: { ...status.disruptedPods, [name]: rfc3339() },
        },
      };
      try {
        await storages.pdbs.update(namespace, pdbName, next, { subresource: "status" });
      } catch (err) {
        // Another eviction took a disruption first: look again at what is left.
        if (isConflict(err)) continue;
        throw err;
      }
    }
    await deletePod(storages.pods, pod, options, dry);
    log?.info(
      { pdb: pdbName, disruptionsLeft: (pdb.status?.disruptionsAllowed ?? 1) - 1 },
      "evicted within the disruption budget",
    );
    return successStatus() as unknown as ApiObject;
  }
  throw errors.tooManyRequests("Cannot evict pod as other evictions keep changing its disruption budget.");
}

/**
 * Kubernetes' addConditionAndDeletePod: the pod is first marked with the DisruptionTarget
 * condition (so its kubelet, its controller and `kubectl describe` can tell an eviction from a
 * crash), then deleted with the eviction's options.
 */
async function deletePod(
  pods: ResourceStorage,
  pod: PodLike,
  options: DeleteOptions,
  dry: boolean,
): Promise<void> {
  const namespace = pod.metadata?.namespace as string;
  const name = pod.metadata?.name as string;
  if (!dry && typeof pod.metadata?.deletionTimestamp !== "string") {
    // A strategic merge patch: conditions merge by type, so a status the kubelet writes meanwhile
    // is kept rather than overwritten.
    const condition = {
      type: "DisruptionTarget",
      status: "True",
      lastTransitionTime: rfc3339(),
      reason: "EvictionByEvictionAPI",
      message: "Eviction API: evicting",
    };
    await pods.patch(
      namespace,
      name,
      "application/strategic-merge-patch+json",
      { status: { conditions: [condition] } },
      { subresource: "status" },
    );
  }
  await pods.delete(namespace, name, options, dry);
}

function decodeEviction(body: unknown): Eviction {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw errors.badRequest("the body of the request must be an Eviction object");
  }
  const raw = { ...(body as Record<string, unknown>) };
  raw.kind ??= "Eviction";
  // kubectl falls back to policy/v1beta1 against old servers; the body is the same.
  if (raw.apiVersion === undefined || raw.apiVersion === "policy/v1beta1") raw.apiVersion = "policy/v1";
  if (raw.apiVersion !== "policy/v1" || raw.kind !== "Eviction") {
    throw errors.badRequest(
      `the object provided is unrecognized (expected policy/v1, Kind=Eviction, got ${String(raw.apiVersion)}, Kind=${String(raw.kind)})`,
    );
  }
  try {
    const { object } = decodeObject<Eviction>(raw, { unknownFields: "strict" });
    const problems = validateDecoded(object as never);
    if (problems.length > 0) throw new InvalidObjectError("policy/v1", "Eviction", "", problems);
    return object;
  } catch (err) {
    if (err instanceof InvalidObjectError) {
      throw errors.invalid("Eviction", "policy", "", err.errors.map(statusCauseOf));
    }
    if (err instanceof DecodeError) throw errors.badRequest(err.message);
    throw err;
  }
}

/** Kubernetes' canIgnorePDB: pods not running yet, finished, or already being deleted. */
function canIgnoreBudget(pod: PodLike): boolean {
  const phase = pod.status?.phase;
  return (
    phase === "Succeeded" ||
    phase === "Failed" ||
    phase === "Pending" ||
    typeof pod.metadata?.deletionTimestamp === "string"
  );
}

function isReady(pod: PodLike): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/**
 * An unready pod adds nothing to the budget: with `AlwaysAllow` it may always go; with the default
 * `IfHealthyBudget` only while the budget is met without it.
 */
function unhealthyMayGo(pdb: PodDisruptionBudget): boolean {
  if (pdb.spec.unhealthyPodEvictionPolicy === "AlwaysAllow") return true;
  const status = pdb.status;
  return !!status && status.desiredHealthy > 0 && status.currentHealthy >= status.desiredHealthy;
}

/** Kubernetes' checkAndDecrement, the checks half: throws when the budget allows no eviction. */
function checkBudget(pdb: PodDisruptionBudget): void {
  const status = pdb.status;
  const name = pdb.metadata.name ?? "";
  if (!status || (status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) {
    throw budgetViolation(`The disruption budget ${name} is still being processed by the server.`);
  }
  if (status.disruptionsAllowed < 0) throw errors.forbidden("pdb disruptions allowed is negative");
  if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS) {
    throw errors.forbidden("DisruptedPods map too big - too many evictions not confirmed by PDB controller");
  }
  if (status.disruptionsAllowed === 0) {
    throw budgetViolation(
      `The disruption budget ${name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`,
    );
  }
}

function budgetViolation(cause: string): StatusError {
  return new StatusError(
    429,
    "TooManyRequests",
    "Cannot evict pod as it would violate the pod's disruption budget.",
    {
      causes: [{ reason: "DisruptionBudget", message: cause }],
    },
  );
}

/** The budgets in the pod's namespace whose selector matches it (a missing selector matches nothing). */
async function budgetsFor(
  pdbs: ResourceStorage,
  namespace: string,
  pod: PodLike,
): Promise<PodDisruptionBudget[]> {
  const list = (await pdbs.list(namespace, {})) as unknown as { items: PodDisruptionBudget[] };
  const labels = (pod.metadata?.labels ?? {}) as Record<string, string>;
  return list.items.filter((pdb) => {
    if (!pdb.spec.selector) return false;
    try {
      return labelSelectorFromObject(pdb.spec.selector).matches(labels);
    } catch {
      return false;
    }
  });
}
