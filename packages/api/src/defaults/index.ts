export * from "./apply-defaults.js";
export * from "./autoscaling.js";
export * from "./core.js";
export * from "./pod.js";
export * from "./workloads.js";
