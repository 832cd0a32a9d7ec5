import { describe, expect, it } from "vitest";
import { CidrSet } from "../src/controllers/nodeipam/cidr-set.js";

function set(cluster = "10.244.0.0/16", mask = 24): CidrSet {
  const s = CidrSet.create(cluster, mask);
  if (s instanceof Error) throw s;
  return s;
}

describe("CidrSet (node IPAM allocator)", () => {
  it("cuts the cluster CIDR into node CIDRs in order", () => {
    const s = set();
    expect(s.capacity).toBe(256);
    expect([s.allocateNext(), s.allocateNext(), s.allocateNext()]).toEqual([
      "10.244.0.0/24",
      "10.244.1.0/24",
      "10.244.2.0/24",
    ]);
  });

  it("never hands out a CIDR twice, and says when none is left", () => {
    const s = set("10.0.0.0/22", 24);
    const got = [s.allocateNext(), s.allocateNext(), s.allocateNext(), s.allocateNext()];
    expect(new Set(got).size).toBe(4);
    expect(s.allocateNext()).toBeUndefined();
  });

  it("skips CIDRs that nodes already hold (rebuilt at start)", () => {
    const s = set();
    expect(s.occupy("10.244.0.0/24")).toBeUndefined();
    expect(s.occupy("10.244.2.0/24")).toBeUndefined();
    expect([s.allocateNext(), s.allocateNext()]).toEqual(["10.244.1.0/24", "10.244.3.0/24"]);
  });

  it("reuses a released CIDR only after going round (next-fit)", () => {
    const s = set("10.0.0.0/23", 24);
    const a = s.allocateNext();
    s.allocateNext();
    s.release(a ?? "");
    expect(s.isUsed("10.0.0.0/24")).toBe(false);
    expect(s.allocateNext()).toBe("10.0.0.0/24");
    expect(s.allocateNext()).toBeUndefined();
  });

  it("refuses CIDRs that are not its node CIDRs", () => {
    const s = set();
    expect(s.occupy("10.245.0.0/24")).toBeInstanceOf(Error);
    expect(s.occupy("10.244.0.0/25")).toBeInstanceOf(Error);
    expect(s.occupy("nonsense")).toBeInstanceOf(Error);
    expect(s.usedCount).toBe(0);
  });

  it("rejects a mask that does not fit the cluster CIDR", () => {
    expect(CidrSet.create("10.244.0.0/16", 8)).toBeInstanceOf(Error);
    expect(CidrSet.create("10.244.0.0/16", 31)).toBeInstanceOf(Error);
    expect(CidrSet.create("10.0.0.0/8", 30)).toBeInstanceOf(Error);
    expect(CidrSet.create("10.244.0.0", 24)).toBeInstanceOf(Error);
  });
});
