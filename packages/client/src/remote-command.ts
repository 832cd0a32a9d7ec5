/**
 * Kubernetes' remote command protocol over WebSocket (apimachinery's util/remotecommand, client-go's
 * tools/remotecommand): `exec` (and `attach`) streams travel as binary messages whose first byte
 * names the channel. The kubelet speaks it, the apiserver relays it untouched, mkctl and kubectl
 * are its clients. Only the channel versions kubectl offers first are spoken: v5 and v4 (v4 sends
 * the exit status as a Status on channel 3; v5 adds the "close stdin" message `[255, 0]`).
 */

export const V5_CHANNEL_PROTOCOL = "v5.channel.k8s.io";
export const V4_CHANNEL_PROTOCOL = "v4.channel.k8s.io";
/** In the order a server prefers them. */
export const CHANNEL_PROTOCOLS: readonly string[] = [V5_CHANNEL_PROTOCOL, V4_CHANNEL_PROTOCOL];

export const CHANNEL = {
  stdin: 0,
  stdout: 1,
  stderr: 2,
  /** The exit status: a Status object as JSON. */
  error: 3,
  /** Terminal size: `{"Width":80,"Height":24}`. */
  resize: 4,
  /** v5 only: `[255, channel]` closes that channel (stdin). */
  close: 255,
} as const;

/** One message: the channel byte, then the data. */
export function encodeFrame(channel: number, data: Uint8Array | string = new Uint8Array()): Buffer {
  const body = typeof data === "string" ? Buffer.from(data) : data;
  const frame = Buffer.allocUnsafe(body.length + 1);
  frame[0] = channel;
  frame.set(body, 1);
  return frame;
}

export function decodeFrame(frame: Uint8Array): { channel: number; data: Buffer } | undefined {
  if (frame.length === 0) return undefined;
  const buf = Buffer.isBuffer(frame) ? frame : Buffer.from(frame);
  return { channel: buf[0]!, data: buf.subarray(1) };
}

/** What arrives on the error channel. */
export interface ExecStatus {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Success" | "Failure";
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/** The Status the kubelet sends when the command ended: Success, or NonZeroExitCode with the code. */
export function exitStatus(exitCode: number, command: string[] = []): ExecStatus {
  if (exitCode === 0) return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success" };
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: error executing command [${command.join(" ")}], exit code ${exitCode}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(exitCode) }] },
  };
}

/** A failure that is not the command's exit (it could not start, the container is gone). */
export function errorStatus(message: string, code = 500, reason = "InternalError"): ExecStatus {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
}

/** The exit code a Status carries (0 on Success); an Error when it failed for another reason. */
export function exitCodeOf(status: ExecStatus): number | Error {
  if (status.status === "Success") return 0;
  if (status.reason === "NonZeroExitCode") {
    const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
    const code = Number(cause?.message);
    if (Number.isInteger(code)) return code;
  }
  return new Error(status.message ?? "error executing remote command");
}

/** Reads a resize message; undefined when it is not `{"Width":n,"Height":n}`. */
export function parseResize(data: Uint8Array): { width: number; height: number } | undefined {
  try {
    const size = JSON.parse(Buffer.from(data).toString("utf8")) as { Width?: unknown; Height?: unknown };
    const width = Number(size.Width);
    const height = Number(size.Height);
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) return undefined;
    return { width, height };
  } catch {
    return undefined;
  }
}
