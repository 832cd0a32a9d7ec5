import type { WatchEventType } from "@minik8s/api/schemas/meta";
import { StatusError, type StatusObject } from "@minik8s/api/status-error";

/**
 * One change. BOOKMARK carries only `metadata.resourceVersion`: the server saying "you are up to
 * date to here", so a resumed watch need not replay what was skipped.
 */
export interface WatchStreamEvent<T> {
  type: Exclude<WatchEventType, "ERROR">;
  object: T;
}

/**
 * Splits a byte stream into lines. Chunks end anywhere, in the middle of a line or of a
 * multi-byte character, so bytes are decoded in streaming mode and the unfinished tail is kept
 * for the next chunk.
 */
export class LineDecoder {
  private readonly utf8 = new TextDecoder("utf-8");
  private tail = "";

  push(chunk: Uint8Array | string): string[] {
    this.tail += typeof chunk === "string" ? chunk : this.utf8.decode(chunk, { stream: true });
    const lines = this.tail.split("\n");
    this.tail = lines.pop() ?? "";
    return lines;
  }

  /** What is left once the stream ends: a last line without a newline, if any. */
  end(): string[] {
    const rest = this.tail + this.utf8.decode();
    this.tail = "";
    return rest === "" ? [] : [rest];
  }
}

/**
 * A watch as the apiserver streams it over chunked HTTP: one JSON event per line. Iterate it
 * with `for await`; it ends when the server ends the response (a timeout, a restart) and the
 * caller resumes from the last resourceVersion it saw. An ERROR event is thrown as the
 * StatusError it carries: a 410 (`isGone`) means that resourceVersion is compacted away and
 * only a fresh list can catch up.
 */
export class WatchStream<T> implements AsyncIterable<WatchStreamEvent<T>> {
  private closed = false;
  private iterated = false;

  constructor(
    private readonly source: AsyncIterable<Uint8Array | string>,
    private readonly abort: () => void = () => {},
  ) {}

  /** Stops the watch: the request is aborted and iteration ends without an error. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchStreamEvent<T>> {
    if (this.iterated) throw new Error("a watch stream can be iterated only once");
    this.iterated = true;
    const lines = new LineDecoder();
    try {
      for await (const chunk of this.source) {
        for (const line of lines.push(chunk)) {
          const event = parseEvent<T>(line);
          if (event) yield event;
          if (this.closed) return;
        }
      }
      for (const line of lines.end()) {
        const event = parseEvent<T>(line);
        if (event) yield event;
      }
    } catch (err) {
      if (this.closed) return;
      throw err;
    } finally {
      this.close();
    }
  }
}

function parseEvent<T>(line: string): WatchStreamEvent<T> | undefined {
  const text = line.trim();
  if (text === "") return undefined;
  let raw: { type?: unknown; object?: unknown };
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`malformed watch event (not JSON): ${text.slice(0, 200)}`);
  }
  const { type, object } = raw;
  if (type === "ERROR") {
    const status = (object ?? {}) as Partial<StatusObject>;
    throw StatusError.fromStatus(status, status.code ?? 500);
  }
  if (type !== "ADDED" && type !== "MODIFIED" && type !== "DELETED" && type !== "BOOKMARK") {
    throw new Error(`malformed watch event (unknown type ${JSON.stringify(type)}): ${text.slice(0, 200)}`);
  }
  if (typeof object !== "object" || object === null) {
    throw new Error(`malformed watch event (no object): ${text.slice(0, 200)}`);
  }
  return { type, object: object as T };
}
