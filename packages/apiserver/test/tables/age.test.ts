import { describe, expect, it } from "vitest";
import { humanDuration, translateTimestampSince } from "../../src/tables/age.js";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe("humanDuration (Kubernetes' duration.HumanDuration)", () => {
  it.each([
    [-2 * S, "<invalid>"],
    [-1 * S, "0s"],
    [0, "0s"],
    [5 * S, "5s"],
    [119 * S, "119s"],
    [2 * M, "2m"],
    [3 * M + 12 * S, "3m12s"],
    [9 * M + 59 * S, "9m59s"],
    [10 * M + 30 * S, "10m"],
    [179 * M, "179m"],
    [3 * H, "3h"],
    [5 * H + 10 * M, "5h10m"],
    [8 * H + 30 * M, "8h"],
    [47 * H, "47h"],
    [2 * D, "2d"],
    [2 * D + 3 * H, "2d3h"],
    [7 * D + 23 * H, "7d23h"],
    [8 * D, "8d"],
    [729 * D, "729d"],
    [730 * D, "2y"],
    [3 * 365 * D + 45 * D, "3y45d"],
    [8 * 365 * D + 100 * D, "8y"],
  ])("%d ms is %s", (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe("translateTimestampSince", () => {
  const now = new Date("2024-05-01T12:00:00Z");

  it("measures from the given instant", () => {
    expect(translateTimestampSince("2024-05-01T11:55:00Z", now)).toBe("5m");
    expect(translateTimestampSince("2024-04-28T12:00:00Z", now)).toBe("3d");
  });

  it("prints <unknown> without a timestamp", () => {
    expect(translateTimestampSince(undefined, now)).toBe("<unknown>");
    expect(translateTimestampSince("", now)).toBe("<unknown>");
    expect(translateTimestampSince("not a date", now)).toBe("<unknown>");
  });
});
