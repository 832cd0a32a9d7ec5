export type { Cluster, RequestOptions } from "./cluster.js";
export { ClientCluster } from "./cluster.js";
export type { Deps, Io } from "./context.js";
export { buildProgram, runMkctl } from "./program.js";
