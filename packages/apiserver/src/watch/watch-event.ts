/**
 * A watch event as the Kubernetes API sends it: `{"type":"ADDED","object":{...}}`, one per line
 * of a `?watch=true` response. The object's `metadata.resourceVersion` is the event's revision.
 */
export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

export interface ApiObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

export interface WatchEvent {
  type: WatchEventType;
  object: ApiObject;
}

/** A running watch the HTTP layer streams out; `close()` ends it and frees its buffer. */
export interface EventSource extends AsyncIterable<WatchEvent> {
  close(): void;
  /**
   * The revision up to which this source has handed out every event it will ever send, or
   * undefined while no such point exists (during the synthetic ADDED events). A bookmark carries
   * it: a client that resumes from there misses nothing.
   */
  position?(): number | undefined;
}
