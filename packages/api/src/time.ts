let lastSecond = Number.NaN;
let lastText = "";

/**
 * `metav1.Time` as Kubernetes writes it: RFC 3339 in UTC at whole seconds (`2026-11-27T09:40:00Z`),
 * for creationTimestamp, conditions' lastTransitionTime, events' timestamps.
 */
export function rfc3339(at: Date | number = Date.now()): string {
  const ms = typeof at === "number" ? at : at.getTime();
  const second = Math.floor(ms / 1000);
  // Thousands of writes a second share one second's text: format it once.
  if (second !== lastSecond) {
    lastText = new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    lastSecond = second;
  }
  return lastText;
}

/** `metav1.MicroTime` (a Lease's renewTime, an event's eventTime): RFC 3339 with microseconds. */
export function microTime(at: Date | number = Date.now()): string {
  const ms = typeof at === "number" ? at : at.getTime();
  return new Date(ms).toISOString().replace(/Z$/, "000Z");
}
