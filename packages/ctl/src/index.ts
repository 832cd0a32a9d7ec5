export type { Cluster, RequestOptions } from "./cluster.js";
export { HttpCluster } from "./cluster.js";
export type { Deps, Io } from "./context.js";
export { buildProgram, runMkctl } from "./program.js";
