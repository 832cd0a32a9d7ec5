/** Builds field paths as Kubernetes prints them: `spec.containers[0].resources.limits[cpu]`. */
export function child(path: string, ...names: string[]): string {
  return names.reduce((p, n) => (p === "" ? n : `${p}.${n}`), path);
}

export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}
