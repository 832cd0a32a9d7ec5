import { finished } from "node:stream/promises";
import {
  CHANNEL,
  decodeFrame,
  type ExecStatus,
  encodeFrame,
  errorStatus,
  exitStatus,
  parseResize,
} from "@minik8s/client";
import type { WebSocket } from "ws";
import type { ExecSession } from "../runtime/container-runtime.js";

export interface ExecStreams {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/**
 * Joins a running exec to a WebSocket speaking the channel protocol: frames on channel 0 feed
 * stdin, 4 resizes the terminal, `[255, 0]` closes stdin; the command's output goes out on 1 and
 * 2; once it has exited and its output is sent, its Status goes out on 3 and the socket closes.
 * The client leaving aborts the command's streams.
 */
export function bridgeExec(
  ws: WebSocket,
  session: ExecSession,
  streams: ExecStreams,
  command: string[],
): Promise<number | undefined> {
  const send = (channel: number, data: Uint8Array | string) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame(channel, data));
  };
  let done = false;
  session.stdout.on("data", (chunk: Buffer) => streams.stdout && send(CHANNEL.stdout, chunk));
  session.stderr.on("data", (chunk: Buffer) => streams.stderr && send(CHANNEL.stderr, chunk));

  ws.on("message", (raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const bytes = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
    // base64 text frames belong to the older channel protocols; only binary ones are spoken here.
    const frame = isBinary ? decodeFrame(bytes) : undefined;
    if (!frame) return;
    if (frame.channel === CHANNEL.stdin) {
      if (session.stdin && !session.stdin.writableEnded) session.stdin.write(frame.data);
    } else if (frame.channel === CHANNEL.resize) {
      const size = parseResize(frame.data);
      if (size) void session.resize(size.width, size.height);
    } else if (frame.channel === CHANNEL.close && frame.data[0] === CHANNEL.stdin) {
      session.stdin?.end();
    }
  });
  ws.on("close", () => {
    if (!done) session.abort();
    session.stdin?.end();
  });
  ws.on("error", () => undefined);

  const drained = Promise.all([
    finished(session.stdout).catch(() => undefined),
    finished(session.stderr).catch(() => undefined),
  ]);
  return Promise.all([session.exitCode, drained]).then(
    ([code]) => {
      done = true;
      finish(ws, exitStatus(code, command));
      return code;
    },
    (err: unknown) => {
      done = true;
      finish(ws, errorStatus(err instanceof Error ? err.message : String(err)));
      return undefined;
    },
  );
}

/** Sends the Status on the error channel and closes the socket normally. */
export function finish(ws: WebSocket, status: ExecStatus): void {
  if (ws.readyState !== ws.OPEN) return;
  ws.send(encodeFrame(CHANNEL.error, JSON.stringify(status)), () => ws.close(1000));
}
