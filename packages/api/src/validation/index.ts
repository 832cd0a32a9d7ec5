export * from "./field-error.js";
export * from "./validate.js";
