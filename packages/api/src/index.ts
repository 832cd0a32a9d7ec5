export * from "./decode.js";
export * from "./deep-equal.js";
export * from "./defaults/index.js";
export * from "./duration.js";
export * from "./field-selector.js";
export * from "./kind-schemas.js";
export * from "./label-selector.js";
export * from "./names.js";
export * from "./patch/index.js";
export * from "./pod-qos.js";
export * from "./quantity.js";
// The schemas have zod schemas of the same names; the quantity arithmetic wins at the top level.
export { Quantity, type ResourceList } from "./quantity.js";
export * from "./registry.js";
export * from "./schemas/index.js";
export * from "./status-error.js";
export * from "./time.js";
export * from "./validation/index.js";
export * from "./version.js";
