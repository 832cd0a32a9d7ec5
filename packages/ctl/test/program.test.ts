import { describe, expect, it } from "vitest";
import { buildProgram, commandWord, runMkctl } from "../src/program.js";
import { captureIo } from "./helpers.js";

const names = (argv?: string[]) =>
  buildProgram(captureIo().deps, argv)
    .commands.map((c) => c.name())
    .sort();

describe("the command tree", () => {
  it("finds the command word past global flags and their values", () => {
    expect(commandWord(["get", "pods"])).toBe("get");
    expect(commandWord(["-n", "kube-system", "get", "pods"])).toBe("get");
    expect(commandWord(["--namespace=kube-system", "--kubeconfig", "/tmp/kc", "describe", "pod"])).toBe(
      "describe",
    );
    expect(commandWord(["-nkube-system", "-s", "http://127.0.0.1:8080", "logs", "p"])).toBe("logs");
    expect(commandWord(["--request-timeout", "5s", "--", "apply"])).toBe("apply");
    expect(commandWord(["--help", "get"])).toBeUndefined();
    expect(commandWord(["--version"])).toBeUndefined();
    expect(commandWord([])).toBeUndefined();
  });

  it("defines only the command being run, and every command for help, completion and typos", () => {
    const all = names();
    expect(all.length).toBeGreaterThan(20);
    expect(names(["get", "pods"])).toEqual(["get"]);
    expect(names(["-n", "x", "drain", "node-1"])).toEqual(["cordon", "drain", "uncordon"]);
    expect(names(["--help", "get"])).toEqual(all);
    expect(names(["completion", "bash"])).toEqual(all);
    expect(names(["gte", "pods"])).toEqual(all);
    expect(names(["help", "get"])).toEqual(all);
  });

  it("prints the same help for a command whether the tree is whole or not", async () => {
    const alone = captureIo();
    expect(await runMkctl(["get", "--help"], alone.deps)).toBe(0);
    const whole = captureIo();
    expect(await runMkctl(["help", "get"], whole.deps)).toBe(0);
    expect(alone.stdout).toContain("Usage: mkctl get");
    expect(alone.stdout).toBe(whole.stdout);
  });

  it("lists every command in mkctl's own help, and suggests the closest to a typo", async () => {
    const help = captureIo();
    expect(await runMkctl(["--help", "get"], help.deps)).toBe(0);
    for (const verb of ["apply", "get", "describe", "drain", "completion"])
      expect(help.stdout).toContain(verb);
    const typo = captureIo();
    expect(await runMkctl(["gett", "pods"], typo.deps)).toBe(1);
    expect(typo.stderr).toContain("get");
  });
});
