import type { LabelSelectorMatcher } from "@minik8s/api/label-selector";
import type { OwnerReference } from "@minik8s/api/schemas/meta";
import { isNotFound } from "@minik8s/api/status-error";
import type { Client, KubeObject, Logger, ResourceRef } from "@minik8s/client";

type Owned = KubeObject & { metadata?: { ownerReferences?: OwnerReference[] } };

/** The ownerReference with `controller: true`, if any: who manages this object. */
export function controllerRefOf(obj: Owned): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

export interface OwnerInfo {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

/** The reference a controller puts on what it creates or adopts. */
export function controllerRef(owner: OwnerInfo): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.name,
    uid: owner.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface ClaimOptions<T extends Owned> {
  client: Client;
  resource: ResourceRef;
  owner: OwnerInfo & { namespace: string; deleting: boolean };
  selector: LabelSelectorMatcher;
  candidates: readonly T[];
  log: Logger;
}

/**
 * Kubernetes' ControllerRefManager.Claim: of the candidates (everything in the owner's
 * namespace), keep those this owner controls and its selector still matches, adopt orphans it
 * matches, and release those it controls but no longer matches. Adopting and releasing are
 * merge patches of ownerReferences carrying the resourceVersion read, so a racing writer makes
 * them fail (409) rather than be overwritten. Returns what the owner now controls.
 */
export async function claimObjects<T extends Owned>(opts: ClaimOptions<T>): Promise<T[]> {
  const { owner, selector } = opts;
  const claimed: T[] = [];
  for (const obj of opts.candidates) {
    const ref = controllerRefOf(obj);
    const matches = selector.matches(obj.metadata?.labels ?? {});
    if (ref) {
      if (ref.uid !== owner.uid) continue;
      if (matches || owner.deleting) {
        claimed.push(obj);
        continue;
      }
      await patchOwners(opts, obj, (refs) => refs.filter((r) => r.uid !== owner.uid), "released");
      continue;
    }
    if (!matches || owner.deleting || obj.metadata?.deletionTimestamp) continue;
    const adopted = await patchOwners(
      opts,
      obj,
      (refs) => [...refs.filter((r) => r.uid !== owner.uid), controllerRef(owner)],
      "adopted",
    );
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}

async function patchOwners<T extends Owned>(
  opts: ClaimOptions<T>,
  obj: T,
  change: (refs: OwnerReference[]) => OwnerReference[],
  what: "adopted" | "released",
): Promise<T | undefined> {
  const meta = obj.metadata ?? {};
  const refs = change(meta.ownerReferences ?? []);
  try {
    const patched = await opts.client.patch<T>(
      opts.resource,
      meta.namespace,
      meta.name ?? "",
      "application/merge-patch+json",
      {
        metadata: {
          ownerReferences: refs.length > 0 ? refs : null,
          resourceVersion: meta.resourceVersion,
        },
      },
    );
    opts.log.info(
      {
        [opts.resource.plural]: `${meta.namespace}/${meta.name}`,
        owner: `${opts.owner.kind} ${opts.owner.namespace}/${opts.owner.name}`,
      },
      what,
    );
    return patched;
  } catch (err) {
    // Gone already: nothing to adopt or release.
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
