import type { EventSource, WatchEvent } from "../../src/watch/watch-event.js";

/** An EventSource a test feeds by hand; `closed` resolves when the stream side closes it. */
export class PushSource implements EventSource {
  private readonly queue: WatchEvent[] = [];
  private failure: unknown;
  private ended = false;
  private wake: (() => void) | undefined;
  private markClosed!: () => void;
  readonly closed = new Promise<void>((resolve) => {
    this.markClosed = resolve;
  });
  at: number | undefined;

  push(event: WatchEvent): void {
    this.queue.push(event);
    this.wakeUp();
  }

  fail(error: unknown): void {
    this.failure = error;
    this.wakeUp();
  }

  end(): void {
    this.ended = true;
    this.wakeUp();
  }

  close(): void {
    this.ended = true;
    this.markClosed();
    this.wakeUp();
  }

  position(): number | undefined {
    return this.at;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    for (;;) {
      const event = this.queue.shift();
      if (event) {
        yield event;
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

export function added(name: string, resourceVersion: string): WatchEvent {
  return { type: "ADDED", object: { kind: "Pod", apiVersion: "v1", metadata: { name, resourceVersion } } };
}
