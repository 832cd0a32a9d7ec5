import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod } from "@minik8s/api";

/**
 * Node selector terms as Kubernetes matches them (component-helpers nodeaffinity): terms are ORed,
 * the requirements of a term ANDed; a term with no requirements, or one that does not parse (In
 * without values, Gt with a non-integer), matches no node. matchFields knows only metadata.name.
 */

const INTEGER = /^[+-]?\d+$/;

function matchesRequirement(r: NodeSelectorRequirement, value: string | undefined): boolean | undefined {
  const values = r.values ?? [];
  switch (r.operator) {
    case "In":
      if (values.length === 0) return undefined;
      return value !== undefined && values.includes(value);
    case "NotIn":
      if (values.length === 0) return undefined;
      return value === undefined || !values.includes(value);
    case "Exists":
      if (values.length > 0) return undefined;
      return value !== undefined;
    case "DoesNotExist":
      if (values.length > 0) return undefined;
      return value === undefined;
    case "Gt":
    case "Lt": {
      if (values.length !== 1 || !INTEGER.test(values[0]!)) return undefined;
      if (value === undefined || !INTEGER.test(value)) return false;
      const have = BigInt(value);
      const bound = BigInt(values[0]!);
      return r.operator === "Gt" ? have > bound : have < bound;
    }
    default:
      return undefined;
  }
}

/** Whether one term matches; undefined when the term is invalid (Kubernetes then ignores it). */
function termMatches(term: NodeSelectorTerm, node: Node): boolean | undefined {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  let all = true;
  for (const r of exprs) {
    const m = matchesRequirement(r, Object.hasOwn(labels, r.key) ? labels[r.key] : undefined);
    if (m === undefined) return undefined;
    all &&= m;
  }
  for (const r of fields) {
    if (r.key !== "metadata.name" || (r.operator !== "In" && r.operator !== "NotIn")) return undefined;
    if ((r.values ?? []).length !== 1) return undefined;
    const m = matchesRequirement(r, node.metadata.name);
    if (m === undefined) return undefined;
    all &&= m;
  }
  return all;
}

export function nodeSelectorTermMatches(term: NodeSelectorTerm, node: Node): boolean {
  return termMatches(term, node) === true;
}

export function nodeSelectorTermsMatch(terms: readonly NodeSelectorTerm[], node: Node): boolean {
  return terms.some((t) => termMatches(t, node) === true);
}

/** The pod's hard node constraints, read off the pod once (PreFilter) for the per-node check. */
export interface RequiredNodeConstraints {
  /** spec.nodeSelector as [label, value] pairs. */
  selector: [string, string][];
  /** Required node affinity, when the pod has it. */
  required?: { nodeSelectorTerms: readonly NodeSelectorTerm[] };
}

export function requiredNodeConstraints(pod: Pod): RequiredNodeConstraints {
  return {
    selector: Object.entries(pod.spec.nodeSelector ?? {}),
    required: pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
  };
}

/** spec.nodeSelector and required node affinity, both must hold. */
export function nodeMatchesRequired(c: RequiredNodeConstraints, node: Node): boolean {
  if (c.selector.length > 0) {
    const labels = node.metadata.labels ?? {};
    for (const [k, v] of c.selector) if (!Object.hasOwn(labels, k) || labels[k] !== v) return false;
  }
  return c.required ? nodeSelectorTermsMatch(c.required.nodeSelectorTerms, node) : true;
}

/** The pod's hard node constraints: spec.nodeSelector and required node affinity, both must hold. */
export function podMatchesNodeSelectorAndAffinity(pod: Pod, node: Node): boolean {
  return nodeMatchesRequired(requiredNodeConstraints(pod), node);
}
