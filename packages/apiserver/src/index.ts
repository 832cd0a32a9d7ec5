export { type ApiServer, type ApiServerOptions, startApiServer } from "./server.js";
export * from "./storage/index.js";
