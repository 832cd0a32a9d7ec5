import type { ApiObject } from "../watch/watch-event.js";
import type { Strategy } from "./strategy.js";

interface JobLike {
  metadata?: { name?: string; uid?: string };
  spec?: {
    manualSelector?: boolean;
    selector?: { matchLabels?: Record<string, string> };
    template?: { metadata?: { labels?: Record<string, string> } };
  };
}

/**
 * A Job's pods are found by a label unique to that Job: unless the user picks a selector
 * (`manualSelector: true`), the apiserver makes one from the Job's uid and stamps the template
 * with it, as Kubernetes' job strategy does. Jobs made by CronJobs get theirs the same way.
 */
export const jobStrategy: Strategy = {
  prepareForCreate(obj: ApiObject) {
    const job = obj as ApiObject & JobLike;
    obj.status = {};
    const spec = job.spec;
    if (!spec || spec.manualSelector) return;
    const uid = job.metadata?.uid ?? "";
    const name = job.metadata?.name ?? "";
    spec.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": uid } };
    spec.template ??= {};
    spec.template.metadata ??= {};
    const meta = spec.template.metadata;
    meta.labels = {
      ...meta.labels,
      "batch.kubernetes.io/controller-uid": uid,
      "batch.kubernetes.io/job-name": name,
      "controller-uid": uid,
      "job-name": name,
    };
  },
};
