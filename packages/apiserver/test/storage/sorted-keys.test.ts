import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SortedKeys } from "../../src/storage/sorted-keys.js";

/** The reference: one sorted array of unique keys, searched the obvious way. */
function modelSelect(model: Set<string>, prefix: string, startAfter: string | undefined, limit: number) {
  const matching = [...model]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .filter((k) => k.startsWith(prefix) && (startAfter === undefined || k > startAfter));
  return { keys: matching.slice(0, limit), remaining: Math.max(0, matching.length - limit) };
}

// Short keys over a small alphabet collide and share prefixes often; many of them make chunks split.
const key = fc.stringMatching(/^\/(a|b)\/[a-c]{0,3}$/);
const op = fc.oneof(
  fc.record({ insert: key }),
  fc.record({ remove: key }),
  fc.record({ insertMany: fc.array(key, { maxLength: 600 }) }),
);

describe("SortedKeys", () => {
  it("selects what a sorted array would, through inserts, removes and chunk splits", () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 40 }),
        fc.constantFrom("", "/", "/a/", "/b/", "/a/b", "/c/"),
        fc.option(key, { nil: undefined }),
        fc.nat(700),
        (ops, prefix, startAfter, limit) => {
          const keys = new SortedKeys();
          const model = new Set<string>();
          const insert = (k: string) => {
            keys.insert(k);
            model.add(k);
          };
          for (const o of ops) {
            if ("insert" in o) insert(o.insert);
            else if ("remove" in o) {
              keys.remove(o.remove);
              model.delete(o.remove);
            } else o.insertMany.forEach(insert);
          }
          expect(keys.size).toBe(model.size);
          expect(keys.select(prefix, startAfter, limit)).toEqual(
            modelSelect(model, prefix, startAfter, limit),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("holds thousands of keys in order, across many chunks, and after reset", () => {
    const keys = new SortedKeys();
    const names = Array.from({ length: 5000 }, (_, i) => `/registry/pods/ns/p-${(i * 7919) % 5000}`);
    for (const n of names) keys.insert(n);
    keys.insert("/registry/pods/other/x");
    const sorted = [...names].sort();
    expect(keys.select("/registry/pods/ns/")).toEqual({ keys: sorted, remaining: 0 });
    expect(keys.select("/registry/pods/ns/", sorted[4000], 10)).toEqual({
      keys: sorted.slice(4001, 4011),
      remaining: 5000 - 4011,
    });
    for (const n of names.slice(0, 4990)) keys.remove(n);
    expect(keys.size).toBe(11);
    const reset = new SortedKeys();
    reset.reset([...names, ...names]);
    expect(reset.size).toBe(5000);
    expect(reset.select("/registry/pods/ns/", undefined, 3)).toEqual({
      keys: sorted.slice(0, 3),
      remaining: 4997,
    });
  });
});
