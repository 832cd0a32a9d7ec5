import type { WebSocket } from "ws";
import {
  CHANNEL,
  decodeFrame,
  type ExecStatus,
  encodeFrame,
  exitCodeOf,
  V5_CHANNEL_PROTOCOL,
} from "./remote-command.js";

export interface ExecIo {
  /** Sent to the command; its end closes the command's stdin (v5). */
  stdin?: NodeJS.ReadableStream | undefined;
  stdout?: NodeJS.WritableStream | undefined;
  stderr?: NodeJS.WritableStream | undefined;
}

export interface ExecHandle {
  /** The command's exit code; rejects when it could not run or the connection broke. */
  done: Promise<number>;
  /** Tells the remote terminal its size. */
  resize(width: number, height: number): void;
}

/**
 * The client side of an exec over an open channel-protocol WebSocket (client-go's
 * StreamExecutor): copies stdin up, output down, and reads the exit code from the Status the
 * server sends on the error channel before it closes.
 */
export function streamExec(ws: WebSocket, io: ExecIo): ExecHandle {
  let status: ExecStatus | undefined;
  const send = (channel: number, data: Uint8Array | string) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame(channel, data));
  };
  const onData = (chunk: Buffer | string) => send(CHANNEL.stdin, chunk);
  const onEnd = () => {
    // v4 has no way to say "stdin is done"; v5 closes the channel.
    if (ws.protocol === V5_CHANNEL_PROTOCOL) send(CHANNEL.close, new Uint8Array([CHANNEL.stdin]));
  };
  io.stdin?.on("data", onData);
  io.stdin?.on("end", onEnd);

  ws.on("message", (raw: Buffer | ArrayBuffer | Buffer[]) => {
    const bytes = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
    const frame = decodeFrame(bytes);
    if (!frame) return;
    if (frame.channel === CHANNEL.stdout) io.stdout?.write(frame.data);
    else if (frame.channel === CHANNEL.stderr) io.stderr?.write(frame.data);
    else if (frame.channel === CHANNEL.error && frame.data.length > 0) {
      try {
        status = JSON.parse(frame.data.toString("utf8")) as ExecStatus;
      } catch {
        status = {
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: frame.data.toString("utf8"),
        };
      }
    }
  });

  const done = new Promise<number>((resolve, reject) => {
    ws.on("error", (err) => reject(err));
    ws.on("close", () => {
      io.stdin?.off("data", onData);
      io.stdin?.off("end", onEnd);
      if (!status) {
        reject(new Error("the connection closed before the command's exit status arrived"));
        return;
      }
      const code = exitCodeOf(status);
      if (code instanceof Error) reject(code);
      else resolve(code);
    });
  });
  ws.resume();
  return {
    done,
    resize: (width, height) => send(CHANNEL.resize, JSON.stringify({ Width: width, Height: height })),
  };
}
