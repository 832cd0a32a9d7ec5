/**
 * Orders a merged list the way Kubernetes' strategic merge patch does. The elements the patch
 * names (in `$setElementOrder`, or else in the patch list) come in the patch's order; the elements
 * only the server had keep their relative order and are slotted in before the first patch element
 * that follows them in the server's list. A new element, unknown to the server, comes before any
 * server-only element still waiting: adding to a list without `$setElementOrder` prepends.
 */
export function orderMergedList<T>(
  merged: readonly T[],
  identity: (item: T) => string | undefined,
  patchOrder: readonly string[],
  serverOrder: readonly (string | undefined)[],
): T[] {
  const patchRank = new Map<string, number>();
  patchOrder.forEach((id, rank) => {
    if (!patchRank.has(id)) patchRank.set(id, rank);
  });
  const serverRank = new Map<string, number>();
  serverOrder.forEach((id, rank) => {
    if (id !== undefined && !serverRank.has(id)) serverRank.set(id, rank);
  });
  const rankIn = (ranks: Map<string, number>, item: T): number | undefined => {
    const id = identity(item);
    return id === undefined ? undefined : ranks.get(id);
  };

  const named = merged
    .filter((item) => rankIn(patchRank, item) !== undefined)
    .sort((a, b) => (rankIn(patchRank, a) ?? 0) - (rankIn(patchRank, b) ?? 0));
  const serverOnly = merged.filter((item) => rankIn(patchRank, item) === undefined);

  const ordered: T[] = [];
  let s = 0;
  let n = 0;
  while (s < serverOnly.length || n < named.length) {
    const server = serverOnly[s];
    const next = named[n];
    if (next === undefined || server === undefined) {
      ordered.push(...serverOnly.slice(s), ...named.slice(n));
      break;
    }
    const serverAt = rankIn(serverRank, server);
    const nextAt = rankIn(serverRank, next);
    if (serverAt !== undefined && nextAt !== undefined && serverAt < nextAt) {
      ordered.push(server);
      s++;
    } else {
      ordered.push(next);
      n++;
    }
  }
  return ordered;
}
