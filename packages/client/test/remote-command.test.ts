import { describe, expect, it } from "vitest";
import {
  CHANNEL,
  decodeFrame,
  encodeFrame,
  errorStatus,
  exitCodeOf,
  exitStatus,
  parseResize,
} from "../src/remote-command.js";

describe("remote command channel framing", () => {
  it("puts the channel byte before the data and reads it back", () => {
    const frame = encodeFrame(CHANNEL.stdout, "hi\n");
    expect([...frame]).toEqual([1, 104, 105, 10]);
    const back = decodeFrame(frame);
    expect(back?.channel).toBe(1);
    expect(back?.data.toString()).toBe("hi\n");
  });

  it("encodes v5's close-stdin message as [255, 0]", () => {
    expect([...encodeFrame(CHANNEL.close, new Uint8Array([CHANNEL.stdin]))]).toEqual([255, 0]);
  });

  it("reads an empty frame as nothing", () => {
    expect(decodeFrame(new Uint8Array())).toBeUndefined();
  });
});

describe("exec status", () => {
  it("is Success for exit 0", () => {
    expect(exitStatus(0)).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success" });
    expect(exitCodeOf(exitStatus(0))).toBe(0);
  });

  it("carries a non-zero exit code as Kubernetes does: NonZeroExitCode with an ExitCode cause", () => {
    const status = exitStatus(3, ["sh", "-c", "exit 3"]);
    expect(status).toMatchObject({
      status: "Failure",
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: "3" }] },
    });
    expect(status.message).toContain("exit code 3");
    expect(exitCodeOf(JSON.parse(JSON.stringify(status)))).toBe(3);
  });

  it("turns other failures into errors", () => {
    const code = exitCodeOf(errorStatus("container not found"));
    expect(code).toBeInstanceOf(Error);
    expect((code as Error).message).toBe("container not found");
  });

  it("reads resize messages and rejects garbage", () => {
    expect(parseResize(Buffer.from('{"Width":120,"Height":40}'))).toEqual({ width: 120, height: 40 });
    expect(parseResize(Buffer.from("nope"))).toBeUndefined();
    expect(parseResize(Buffer.from('{"Width":-1,"Height":2}'))).toBeUndefined();
  });
});
