export type ProbeType = "liveness" | "readiness" | "startup";
export type ProbeResult = "success" | "failure";

/**
 * The latest probe verdict per container instance and probe type: Kubernetes' results.Manager.
 * Keyed by container ID, so a restarted container starts with no verdict. A verdict that
 * changes calls `onChange` with the pod's uid: the kubelet syncs the pod, which kills a
 * container whose liveness failed and writes the new readiness into the pod's status.
 */
export class ProbeResults {
  private readonly results = new Map<string, ProbeResult>();

  constructor(private readonly onChange: (podUid: string, containerId: string, type: ProbeType) => void) {}

  get(containerId: string, type: ProbeType): ProbeResult | undefined {
    return this.results.get(`${type}/${containerId}`);
  }

  set(podUid: string, containerId: string, type: ProbeType, result: ProbeResult): void {
    const key = `${type}/${containerId}`;
    if (this.results.get(key) === result) return;
    this.results.set(key, result);
    this.onChange(podUid, containerId, type);
  }

  remove(containerId: string, type: ProbeType): void {
    this.results.delete(`${type}/${containerId}`);
  }
}
