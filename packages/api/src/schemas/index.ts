export * from "./apps.js";
export * from "./autoscaling.js";
export * from "./batch.js";
export * from "./coordination.js";
export * from "./core.js";
export * from "./list.js";
export * from "./meta.js";
export * from "./primitives.js";
