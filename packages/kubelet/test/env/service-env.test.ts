import type { Service } from "@minik8s/api";
import { describe, expect, it } from "vitest";
import { serviceEnv } from "../../src/env/service-env.js";

function svc(
  namespace: string,
  name: string,
  clusterIP: string | undefined,
  ports: Service["spec"]["ports"],
): Service {
  return { apiVersion: "v1", kind: "Service", metadata: { namespace, name }, spec: { clusterIP, ports } };
}

const services = [
  svc("default", "kubernetes", "10.96.0.1", [{ name: "https", port: 443, protocol: "TCP" }]),
  svc("shop", "redis-primary", "10.96.0.11", [{ port: 6379 }]),
  svc("shop", "web", "10.96.0.12", [
    { name: "http", port: 80 },
    { name: "dns-udp", port: 53, protocol: "UDP" },
  ]),
  svc("shop", "headless", "None", [{ port: 80 }]),
  svc("other", "elsewhere", "10.96.0.99", [{ port: 1 }]),
];

describe("service environment variables", () => {
  it("docker-link style variables for services in the pod's namespace and kubernetes", () => {
    const env = serviceEnv(services, "shop", true);
    expect(env).toMatchObject({
      KUBERNETES_SERVICE_HOST: "10.96.0.1",
      KUBERNETES_SERVICE_PORT: "443",
      KUBERNETES_SERVICE_PORT_HTTPS: "443",
      KUBERNETES_PORT: "tcp://10.96.0.1:443",
      KUBERNETES_PORT_443_TCP: "tcp://10.96.0.1:443",
      KUBERNETES_PORT_443_TCP_PROTO: "tcp",
      KUBERNETES_PORT_443_TCP_PORT: "443",
      KUBERNETES_PORT_443_TCP_ADDR: "10.96.0.1",
      REDIS_PRIMARY_SERVICE_HOST: "10.96.0.11",
      REDIS_PRIMARY_SERVICE_PORT: "6379",
      REDIS_PRIMARY_PORT: "tcp://10.96.0.11:6379",
      REDIS_PRIMARY_PORT_6379_TCP_ADDR: "10.96.0.11",
      WEB_SERVICE_PORT: "80",
      WEB_SERVICE_PORT_HTTP: "80",
      WEB_SERVICE_PORT_DNS_UDP: "53",
      WEB_PORT: "tcp://10.96.0.12:80",
      WEB_PORT_53_UDP: "udp://10.96.0.12:53",
      WEB_PORT_53_UDP_PROTO: "udp",
    });
    expect(Object.keys(env).filter((k) => k.startsWith("HEADLESS") || k.startsWith("ELSEWHERE"))).toEqual([]);
    // 8 for kubernetes (one named port), 7 for redis, 13 for web.
    expect(Object.keys(env)).toHaveLength(8 + 7 + 13);
  });

  it("enableServiceLinks: false leaves only the kubernetes service", () => {
    const env = serviceEnv(services, "shop", false);
    expect(Object.keys(env).every((k) => k.startsWith("KUBERNETES_"))).toBe(true);
    expect(Object.keys(env)).toHaveLength(8);
  });

  it("a pod in default gets the default namespace's services", () => {
    const env = serviceEnv(
      [...services, svc("default", "api", "10.96.0.20", [{ port: 8080 }])],
      "default",
      true,
    );
    expect(env.API_SERVICE_HOST).toBe("10.96.0.20");
    expect(env.KUBERNETES_SERVICE_HOST).toBe("10.96.0.1");
    expect(env.WEB_SERVICE_HOST).toBeUndefined();
  });
});
