import { errors } from "@minik8s/api";
import type { ApiObject } from "../watch/watch-event.js";
import type { IpAllocator } from "./allocators/ip-allocator.js";
import type { PortAllocator } from "./allocators/port-allocator.js";
import type { Strategy } from "./strategy.js";

interface ServicePort {
  name?: string;
  port?: number;
  protocol?: string;
  nodePort?: number;
}
interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
}

const specOf = (obj: ApiObject | undefined): ServiceSpec => (obj?.spec ?? {}) as ServiceSpec;
const wantsNodePorts = (spec: ServiceSpec) => spec.type === "NodePort" || spec.type === "LoadBalancer";
const nameOf = (obj: ApiObject) => obj.metadata?.name ?? "";

function invalid(obj: ApiObject, field: string, value: unknown, detail: string) {
  return errors.invalid("Service", "", nameOf(obj), [
    {
      reason: "FieldValueInvalid",
      field,
      message: `${field}: Invalid value: ${JSON.stringify(value)}: ${detail}`,
    },
  ]);
}

/**
 * Services get a ClusterIP (unless headless, `clusterIP: None`) and, for NodePort and
 * LoadBalancer types, a node port per service port: what the apiserver allocates in Kubernetes.
 */
export function serviceStrategy(ips: IpAllocator, ports: PortAllocator): Strategy {
  return {
    prepareForCreate(obj) {
      obj.status = { loadBalancer: {} };
    },

    allocate(obj, old) {
      const spec = specOf(obj);
      const before = specOf(old);
      const claimedIps: string[] = [];
      const claimedPorts: number[] = [];
      const undo = () => {
        for (const ip of claimedIps) ips.release(ip);
        for (const p of claimedPorts) ports.release(p);
      };
      try {
        // A PUT that leaves clusterIP out keeps the one the Service has; changing it is refused.
        if (old && !spec.clusterIP && before.clusterIP) spec.clusterIP = before.clusterIP;
        if (old && before.clusterIP && spec.clusterIP !== before.clusterIP) {
          throw invalid(obj, "spec.clusterIP", spec.clusterIP, "field is immutable");
        }
        if (!old) {
          if (spec.clusterIP === "None") {
            // headless: no virtual IP
          } else if (spec.clusterIP) {
            if (!ips.contains(spec.clusterIP)) {
              throw invalid(
                obj,
                "spec.clusterIP",
                spec.clusterIP,
                `provided IP is not in the valid range. The range of valid IPs is ${ips.cidr}`,
              );
            }
            if (!ips.claim(spec.clusterIP)) {
              throw invalid(obj, "spec.clusterIP", spec.clusterIP, "provided IP is already allocated");
            }
            claimedIps.push(spec.clusterIP);
          } else {
            const ip = ips.allocate();
            if (!ip) throw errors.internal(`failed to allocate a serviceIP: range ${ips.cidr} is full`);
            claimedIps.push(ip);
            spec.clusterIP = ip;
          }
          spec.clusterIPs = [spec.clusterIP];
        }

        const previous = new Map(
          (before.ports ?? []).map((p) => [`${p.protocol ?? "TCP"}/${p.port}`, p.nodePort]),
        );
        (spec.ports ?? []).forEach((p, i) => {
          if (!wantsNodePorts(spec)) {
            delete p.nodePort;
            return;
          }
          const had = previous.get(`${p.protocol ?? "TCP"}/${p.port}`);
          if (p.nodePort === undefined && had !== undefined) p.nodePort = had;
          if (p.nodePort !== undefined && p.nodePort === had) return;
          if (p.nodePort !== undefined) {
            const field = `spec.ports[${i}].nodePort`;
            if (!ports.contains(p.nodePort)) {
              throw invalid(
                obj,
                field,
                p.nodePort,
                `provided port is not in the valid range. The range of valid ports is ${ports.min}-${ports.max}`,
              );
            }
            if (!ports.claim(p.nodePort))
              throw invalid(obj, field, p.nodePort, "provided port is already allocated");
            claimedPorts.push(p.nodePort);
          } else {
            const port = ports.allocate();
            if (port === undefined) throw errors.internal("failed to allocate a nodePort: range is full");
            claimedPorts.push(port);
            p.nodePort = port;
          }
        });
      } catch (err) {
        undo();
        throw err;
      }
    },

    release(obj, keep) {
      const spec = specOf(obj);
      const kept = specOf(keep);
      if (spec.clusterIP && spec.clusterIP !== "None" && spec.clusterIP !== kept.clusterIP)
        ips.release(spec.clusterIP);
      const keptPorts = new Set((kept.ports ?? []).map((p) => p.nodePort));
      for (const p of spec.ports ?? []) {
        if (p.nodePort !== undefined && !keptPorts.has(p.nodePort)) ports.release(p.nodePort);
      }
    },
  };
}

/** Claim what stored Services already hold, when the apiserver starts. */
export function claimExisting(services: ApiObject[], ips: IpAllocator, ports: PortAllocator): void {
  for (const svc of services) {
    const spec = specOf(svc);
    if (spec.clusterIP && spec.clusterIP !== "None") ips.claim(spec.clusterIP);
    for (const p of spec.ports ?? []) if (p.nodePort !== undefined) ports.claim(p.nodePort);
  }
}
