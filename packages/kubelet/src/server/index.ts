export * from "./exec-bridge.js";
export * from "./kubelet-server.js";
export * from "./pod-containers.js";
export * from "./stats-summary.js";
