import { type LabelSelectorObject, labelSelectorToString } from "@minik8s/api";
import { arr, type Json, obj, str } from "./fields.js";

/** Text renderings Kubernetes' printers share. */

/** `labels.FormatLabels`: sorted `k=v` pairs joined by commas, "<none>" when empty. */
export function formatLabels(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "<none>";
  return keys.map((k) => `${k}=${labels[k]}`).join(",");
}

/**
 * A metav1.LabelSelector as Kubernetes writes it (`app=web,env in (dev,prod)`); "" for a missing
 * or empty selector, `onError` for one that does not parse.
 */
export function labelSelectorText(selector: unknown, onError: string): string {
  try {
    return labelSelectorToString(selector === undefined ? undefined : (obj(selector) as LabelSelectorObject));
  } catch {
    return onError;
  }
}

/** `metav1.FormatLabelSelector`: the selector's text, "<none>" when it selects everything. */
export function formatLabelSelector(selector: unknown): string {
  return labelSelectorText(selector, "<error>") || "<none>";
}

/** Container names and images of a pod template, each joined by commas. */
export function layoutContainerCells(podSpec: Json): { names: string; images: string } {
  const containers = arr(podSpec.containers);
  return {
    names: containers.map((c) => str(c.name)).join(","),
    images: containers.map((c) => str(c.image)).join(","),
  };
}

/** The pod spec inside a workload's `spec.template`. */
export function templatePodSpec(spec: Json): Json {
  return obj(obj(spec.template).spec);
}
