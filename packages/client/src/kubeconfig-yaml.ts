// The YAML library, behind a module of its own so that kubeconfig.ts can load it with import()
// only when a file is really parsed or written (a bundler then puts it in a chunk of its own).
export { parse, stringify } from "yaml";
