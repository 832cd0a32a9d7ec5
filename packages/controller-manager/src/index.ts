export { type Controller, QueueController } from "./controller.js";
export {
  CONTROLLER_NAMES,
  ControllerManager,
  type ControllerManagerOptions,
  type ControllerName,
  LEASE_NAME,
  LEASE_NAMESPACE,
  parseControllerNames,
} from "./controller-manager.js";
export { DeploymentController } from "./controllers/deployment/deployment-controller.js";
export { computeHash } from "./controllers/deployment/hash.js";
export { endpointSubsets, resolvePort } from "./controllers/endpoints/endpoint-subsets.js";
export { EndpointsController } from "./controllers/endpoints/endpoints-controller.js";
export { GarbageCollector } from "./controllers/garbage-collector.js";
export { NamespaceController } from "./controllers/namespace-controller.js";
export {
  NodeLifecycleController,
  type NodeLifecycleSettings,
} from "./controllers/node-lifecycle/node-lifecycle-controller.js";
export { TaintEvictionController } from "./controllers/node-lifecycle/taint-eviction-controller.js";
export { CidrSet } from "./controllers/nodeipam/cidr-set.js";
export { NodeIpamController } from "./controllers/nodeipam/node-ipam-controller.js";
export { ReplicaSetController } from "./controllers/replicaset-controller.js";
export { Expectations } from "./expectations.js";
export { SharedInformers } from "./informers.js";
