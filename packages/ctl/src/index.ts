export type { Cluster, RequestOptions } from "./cluster.js";
export { ClientCluster } from "./cluster.js";
export type { Deps, Io } from "./deps.js";
export { buildProgram, runMkctl } from "./program.js";
