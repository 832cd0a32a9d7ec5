import { describe, expect, it } from "vitest";
import { nodeNamePlugin } from "../../src/plugins/node-name.js";
import { filterOf, info, node, pod } from "../framework/fixtures.js";

describe("NodeName", () => {
  it("fits only the named node", () => {
    const p = pod("p", { nodeName: "b" });
    expect(filterOf(nodeNamePlugin(), p, info(node("b"))).code).toBe("Success");
    expect(filterOf(nodeNamePlugin(), p, info(node("a")))).toEqual({
      code: "UnschedulableAndUnresolvable",
      reasons: ["node(s) didn't match the requested node name"],
      plugin: "NodeName",
    });
    expect(filterOf(nodeNamePlugin(), pod("q"), info(node("a"))).code).toBe("Success");
  });
});
