import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, type WriteStream } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MINIK8S = `${ROOT}packages/minik8s/bin/minik8s.js`;

/** Whether `minik8s` is built (`npx tsc -b packages/minik8s`): process tests need its dist. */
export const minik8sBuilt = existsSync(`${ROOT}packages/minik8s/dist/main.js`);

/**
 * A port nothing listens on right now, for a server that must come back on the same port after
 * a kill. It is taken from 20000-29999, below the kernel's ephemeral range (32768 and up): a port
 * from `listen(0)` could be handed to another test's server, or to an outgoing connection, in the
 * moment between the kill and the restart, and the clients would then talk to the wrong process.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    if (await canListen(port)) return port;
  }
  throw new Error("no free port in 20000-29999 after 50 tries");
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * One `minik8s <component>` process, its output appended to `logFile` (kept for a failing test's
 * post-mortem). `kill("SIGKILL")` is the crash the restart tests are about: no shutdown hook runs.
 */
export class Minik8sProcess {
  private readonly child: ChildProcess;
  private readonly log: WriteStream;
  readonly exited: Promise<number | null>;

  constructor(
    readonly args: readonly string[],
    logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: "a" });
    this.child = spawn(process.execPath, [MINIK8S, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout?.pipe(this.log, { end: false });
    this.child.stderr?.pipe(this.log, { end: false });
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` and waits for the process to be gone. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (this.running) this.child.kill(signal);
    await this.exited;
    this.log.end();
  }
}
