export { type BoundedFrequencyOptions, BoundedFrequencyRunner } from "./bounded-frequency-runner.js";
export { ChangeTracker, type ServiceSource, type TrackedChanges } from "./change-tracker.js";
export { DnsServer, type DnsServerOptions } from "./dns/dns-server.js";
export { type DnsSource, type Lookup, lookup } from "./dns/records.js";
export { forward, hostNameservers, parseNameservers } from "./dns/upstream.js";
export { endpointChain, serviceChain } from "./iptables/chain-names.js";
export {
  type Iptables,
  IptablesError,
  iptablesUsable,
  SystemIptables,
  savedChains,
} from "./iptables/iptables.js";
export { cleanupIptables, IptablesProxier, isOwnedChain } from "./iptables/iptables-proxier.js";
export { JUMPS, probability, servicePortRules, USERSPACE_JUMPS } from "./iptables/rules.js";
export type { Proxier } from "./proxier.js";
export {
  chooseMode,
  type DnsOptions,
  type ProxyMode,
  type ProxyOptions,
  type RunningProxy,
  type SyncInfo,
  startProxy,
} from "./proxy.js";
export { buildServiceMap, type Endpoint, type ServiceMap, type ServicePort } from "./service-map.js";
export { RoundRobin } from "./userspace/load-balancer.js";
export { TcpProxy } from "./userspace/tcp-proxy.js";
export { UdpProxy } from "./userspace/udp-proxy.js";
export { UserspaceProxier } from "./userspace/userspace-proxier.js";
