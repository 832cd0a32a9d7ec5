import type { PassThrough, Readable } from "node:stream";
import { FakeClock } from "@minik8s/client";
import { describe, expect, it } from "vitest";
import { defaultSimExec, SimLogBook, simExec } from "../../src/runtime/sim-streams.js";

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString();
}

describe("SimLogBook", () => {
  it("returns lines with tail, since and timestamps", async () => {
    const clock = new FakeClock(Date.parse("2026-01-01T00:00:00Z"));
    const book = new SimLogBook(clock);
    book.append("c1", "a\nb");
    clock.advance(60_000);
    book.append("c1", "c\n");
    expect(await text(book.read("c1", {}))).toBe("a\nb\nc\n");
    expect(await text(book.read("c1", { tailLines: 2 }))).toBe("b\nc\n");
    expect(await text(book.read("c1", { tailLines: 0 }))).toBe("");
    expect(await text(book.read("c1", { sinceSeconds: 10 }))).toBe("c\n");
    expect(await text(book.read("c1", { tailLines: 1, timestamps: true }))).toBe(
      "2026-01-01T00:01:00.000Z c\n",
    );
  });

  it("follows until the container exits", async () => {
    const book = new SimLogBook(new FakeClock(0));
    book.append("c1", "first");
    const reading = text(book.read("c1", { follow: true }));
    book.append("c1", "second");
    book.finished("c1");
    expect(await reading).toBe("first\nsecond\n");
  });
});

describe("simExec", () => {
  it("echoes, copies stdin and exits with the code asked for", async () => {
    const echo = simExec({ command: ["echo", "hi"], stdin: false, tty: false }, defaultSimExec);
    expect(await text(echo.stdout)).toBe("hi\n");
    expect(await echo.exitCode).toBe(0);
    const cat = simExec({ command: ["cat"], stdin: true, tty: false }, defaultSimExec);
    (cat.stdin as PassThrough).end("in\n");
    expect(await text(cat.stdout)).toBe("in\n");
    const exit = simExec({ command: ["sh", "-c", "exit 3"], stdin: false, tty: false }, defaultSimExec);
    expect(await exit.exitCode).toBe(3);
  });

  it("sends stderr to stdout under a TTY", async () => {
    const session = simExec({ command: ["x"], stdin: false, tty: true }, async (_c, io) => {
      io.stderr.write("err\n");
      return 0;
    });
    expect(await text(session.stdout)).toBe("err\n");
    expect(await text(session.stderr)).toBe("");
  });
});
