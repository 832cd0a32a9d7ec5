import { describe, expect, it } from "vitest";
import { expand } from "../../src/env/expand.js";

describe("$(VAR) expansion as Kubernetes does it", () => {
  const vars = { A: "1", B: "two", EMPTY: "" };

  it.each([
    ["$(A)", "1"],
    ["x$(A)y$(B)z", "x1ytwoz"],
    ["$(EMPTY)!", "!"],
    ["$(UNDEFINED)", "$(UNDEFINED)"],
    ["$$(A)", "$(A)"],
    ["$$$(A)", "$1"],
    ["$$$$", "$$"],
    ["$A", "$A"],
    ["$", "$"],
    ["a$", "a$"],
    ["$(A", "$(A"],
    ["$()", "$()"],
    ["$(A B)", "$(A B)"],
  ])("%s -> %s", (input, want) => {
    expect(expand(input, vars)).toBe(want);
  });

  it("looks in each map in order", () => {
    expect(expand("$(A)$(S)", { A: "first" }, { A: "second", S: "svc" })).toBe("firstsvc");
  });
});
