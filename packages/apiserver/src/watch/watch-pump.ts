import { errors, StatusError } from "@minik8s/api";
import { watchEventJson } from "./cached-json.js";
import type { Logger } from "./logger.js";
import type { EventSource, WatchEvent } from "./watch-event.js";

export interface BookmarkOptions {
  kind: string;
  apiVersion: string;
  /** Where the stream stands when the source cannot say (`source.position()` is preferred). */
  revision?: () => number | undefined;
  /** Default 60 s, about what Kubernetes' cacher uses. */
  intervalMs?: number;
}

export interface WatchStreamOptions {
  /** End the stream cleanly after this long; the client re-watches from its last resourceVersion. */
  timeoutSeconds?: number;
  /** Send BOOKMARK events (the client asked with allowWatchBookmarks=true). */
  bookmarks?: BookmarkOptions;
  /** Rewrites each event before it is sent (e.g. into a one-row Table); not applied to ERROR events. */
  transform?: (event: WatchEvent) => unknown;
  log?: Logger;
}

/**
 * Where the events go, as JSON text: an HTTP response or a WebSocket. `send` resolves when it may
 * take more.
 */
export interface WatchSink {
  send(json: string): Promise<void> | undefined;
}

const DEFAULT_BOOKMARK_INTERVAL_MS = 60_000;

/**
 * A running stream from an EventSource to a sink: events as they come, bookmarks between them, an
 * ERROR event (a Status) when the source fails, the end at the timeout or when the peer goes.
 */
export class WatchPump {
  private stopped = false;
  private wakeStop: (() => void) | undefined;
  private readonly stopSignal = new Promise<void>((resolve) => {
    this.wakeStop = resolve;
  });
  private sending = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly source: EventSource,
    private readonly sink: WatchSink,
    private readonly options: WatchStreamOptions,
  ) {}

  /** Streams until the source ends, fails or times out, or `stop()` is called. */
  async run(): Promise<void> {
    const { timeoutSeconds, bookmarks } = this.options;
    if (timeoutSeconds !== undefined && timeoutSeconds > 0) {
      this.timers.push(setTimeout(() => this.finish(), timeoutSeconds * 1000));
    }
    if (bookmarks) {
      const every = bookmarks.intervalMs ?? DEFAULT_BOOKMARK_INTERVAL_MS;
      this.timers.push(setInterval(() => this.tick(), every));
    }
    const events = this.source[Symbol.asyncIterator]();
    try {
      while (!this.stopped) {
        const next = await Promise.race([events.next(), this.stopSignal.then(() => undefined)]);
        if (!next || next.done || this.stopped) break;
        await this.send(this.encode(next.value));
      }
    } catch (err) {
      if (!this.stopped) {
        await this.send(JSON.stringify({ type: "ERROR", object: this.statusOf(err).toStatus() }));
      }
    } finally {
      this.stop();
    }
  }

  /** The peer went away, or the server is shutting down: end without another message. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    this.source.close();
    this.wakeStop?.();
  }

  /** The timeout: a last bookmark (as Kubernetes sends before it closes a watch), then the end. */
  private finish(): void {
    if (this.stopped) return;
    this.tick();
    this.stop();
  }

  private tick(): void {
    if (this.stopped || this.sending || !this.options.bookmarks) return;
    const { kind, apiVersion, revision } = this.options.bookmarks;
    const at = this.source.position ? this.source.position() : revision?.();
    if (at === undefined) return;
    const bookmark: WatchEvent = {
      type: "BOOKMARK",
      object: { kind, apiVersion, metadata: { resourceVersion: String(at) } },
    };
    void this.send(this.encode(bookmark));
  }

  /** An event's JSON; untransformed, the object's JSON is the one shared by every watcher. */
  private encode(event: WatchEvent): string {
    const { transform } = this.options;
    return transform ? JSON.stringify(transform(event)) : watchEventJson(event);
  }

  private async send(json: string): Promise<void> {
    const pending = this.sink.send(json);
    if (!pending) return;
    this.sending = true;
    try {
      await Promise.race([pending, this.stopSignal]);
    } finally {
      this.sending = false;
    }
  }

  private statusOf(err: unknown): StatusError {
    if (err instanceof StatusError) return err;
    const message = err instanceof Error ? err.message : String(err);
    this.options.log?.error({ err }, "watch failed");
    return errors.internal(message);
  }
}
