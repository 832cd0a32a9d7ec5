import type { Deps } from "../src/deps.js";

/** An Io that records what mkctl prints, for running commands in-process. */
export function captureIo(env: NodeJS.ProcessEnv = {}, stdin = "") {
  const out: string[] = [];
  const err: string[] = [];
  const deps: Deps = {
    io: {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      readStdin: async () => stdin,
      isTTY: false,
      env,
      now: () => new Date(),
    },
  };
  return {
    deps,
    get stdout() {
      return out.join("");
    },
    get stderr() {
      return err.join("");
    },
  };
}
