import { describe, expect, it } from "vitest";
import { imageLocality, normalizedImageName } from "../../src/plugins/image-locality.js";
import { info, node, pod, scoresOf } from "../framework/fixtures.js";

const MB = 1024 * 1024;

describe("ImageLocality", () => {
  it("normalizes image names to a tag", () => {
    expect(normalizedImageName("nginx")).toBe("nginx:latest");
    expect(normalizedImageName("registry:5000/app")).toBe("registry:5000/app:latest");
    expect(normalizedImageName("nginx:1.27")).toBe("nginx:1.27");
  });

  it("prefers nodes that have the image, scaled by how many nodes have it", () => {
    const big = { names: ["trainer:latest"], sizeBytes: 523 * MB };
    const nodes = [info(node("has", { images: [big] })), info(node("lacks")), info(node("also-lacks"))];
    const s = scoresOf(imageLocality(), pod("p", { image: "trainer" }), nodes);
    // 523 MiB × 1/3 of the nodes ≈ 174 MiB, over the 23..1000 MiB range → 15
    expect(s).toEqual({ has: 15, lacks: 0, "also-lacks": 0 });
  });
});
