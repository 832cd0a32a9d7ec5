/**
 * What one probe or hook action came to, as Kubernetes' probe.Result: success; warning (a
 * success that says something, e.g. a redirect it did not follow); failure (the check ran and
 * said no); unknown (it could not run: a port name that matches nothing, the runtime failing).
 * `output` is what Kubernetes puts in the Unhealthy event: the response body, the command's
 * output, or the error.
 */
export interface ProbeOutcome {
  result: "success" | "warning" | "failure" | "unknown";
  output: string;
  /** httpGet only: the status code of the last response (lifecycle hooks accept any). */
  statusCode?: number;
}
