/** `metav1.Time` text: RFC 3339 at whole seconds, as Kubernetes writes status times. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
