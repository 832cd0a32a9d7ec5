import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyMergePatch,
  applyStrategicMergePatch,
  atomicMeta,
  createMergePatch,
  createThreeWayMergePatch,
  createTwoWayMergePatch,
  type JsonObject,
  type JsonValue,
  type PatchMeta,
} from "../../src/patch/index.js";
import { deepEqual, isJsonObject } from "../../src/patch/json-value.js";
import { elementMeta, fieldMeta } from "../../src/patch/patch-meta.js";
import { unwrap } from "./helpers.js";

// Few keys and values, so that generated documents overlap and patches have work to do.
const key = fc.constantFrom("a", "b", "c", "d");
const scalar: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constantFrom("x", "y"),
  fc.integer({ min: 0, max: 3 }),
  fc.boolean(),
);

const mapsOnly: fc.Memo<JsonObject> = fc.memo((depth) =>
  fc.dictionary(key, depth <= 1 ? scalar : fc.oneof(scalar, mapsOnly(depth - 1)), { maxKeys: 4 }),
);
const withLists: fc.Memo<JsonObject> = fc.memo((depth) =>
  fc.dictionary(
    key,
    depth <= 1
      ? fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }))
      : fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), withLists(depth - 1)),
    { maxKeys: 4 },
  ),
);

/** A schema exercising every strategy: a keyed list, a primitive set and a retainKeys map. */
const mergingMeta: PatchMeta = {
  fields: {
    items: { merge: true, mergeKey: "k", fields: { nested: { fields: { tags: { merge: true } } } } },
    tags: { merge: true },
    strategy: { retainKeys: true },
  },
};
const item = fc.record(
  {
    k: fc.constantFrom("p", "q", "r"),
    v: scalar,
    nested: fc.record({ tags: fc.uniqueArray(scalar, { maxLength: 3 }) }),
  },
  { requiredKeys: ["k"] },
);
const mergingDocument: fc.Arbitrary<JsonObject> = fc.record(
  {
    plain: withLists(3),
    items: fc.uniqueArray(item, { selector: (element) => element.k, maxLength: 3 }),
    tags: fc.uniqueArray(fc.constantFrom("s", "t", "u", "v"), { maxLength: 4 }),
    strategy: mapsOnly(2),
    a: scalar,
  },
  { requiredKeys: [] },
) as fc.Arbitrary<JsonObject>;

/**
 * Whether `actual` holds everything `expected` says: maps may have more keys, merged lists more
 * elements (with `expected`'s in the same relative order), anything else is equal.
 */
function contains(actual: JsonValue | undefined, expected: JsonValue, meta: PatchMeta): boolean {
  if (isJsonObject(expected)) {
    return (
      isJsonObject(actual) &&
      Object.entries(expected).every(([field, value]) =>
        contains(actual[field], value, fieldMeta(meta, field)),
      )
    );
  }
  if (Array.isArray(expected) && meta.merge) {
    if (!Array.isArray(actual)) return false;
    const mergeKey = meta.mergeKey;
    let last = -1;
    return expected.every((wanted) => {
      const at =
        mergeKey === undefined
          ? actual.findIndex((value) => deepEqual(value, wanted))
          : actual.findIndex(
              (value) =>
                isJsonObject(value) && isJsonObject(wanted) && deepEqual(value[mergeKey], wanted[mergeKey]),
            );
      const found = at > last && (mergeKey === undefined || contains(actual[at], wanted, elementMeta(meta)));
      last = at;
      return found;
    });
  }
  return deepEqual(actual, expected);
}

describe("patch round trips", () => {
  it("applyMergePatch(a, createMergePatch(a, b)) equals b", () => {
    fc.assert(
      fc.property(withLists(4), withLists(4), (a, b) => {
        expect(applyMergePatch(a, createMergePatch(a, b))).toEqual(b);
      }),
    );
  });

  it("a two-way strategic patch between maps turns a into b", () => {
    fc.assert(
      fc.property(mapsOnly(4), mapsOnly(4), (a, b) => {
        const patch = unwrap(createTwoWayMergePatch(a, b, atomicMeta));
        expect(unwrap(applyStrategicMergePatch(a, patch, atomicMeta))).toEqual(b);
      }),
    );
  });

  it("a two-way strategic patch turns a into b with keyed lists, sets and retainKeys too", () => {
    fc.assert(
      fc.property(mergingDocument, mergingDocument, (a, b) => {
        const patch = unwrap(createTwoWayMergePatch(a, b, mergingMeta));
        expect(unwrap(applyStrategicMergePatch(a, patch, mergingMeta))).toEqual(b);
      }),
    );
  });

  it("a three-way patch applied to the live object yields everything the manifest says", () => {
    fc.assert(
      fc.property(
        fc.option(mergingDocument, { nil: undefined }),
        mergingDocument,
        mergingDocument,
        (original, modified, current) => {
          const patch = unwrap(createThreeWayMergePatch(original, modified, current, mergingMeta));
          const result = unwrap(applyStrategicMergePatch(current, patch, mergingMeta));
          expect(contains(result, modified, mergingMeta)).toBe(true);
          // Fields neither the manifest nor the last applied configuration ever had stay as they were.
          for (const [field, value] of Object.entries(current)) {
            if (original?.[field] === undefined && modified[field] === undefined)
              expect(result[field]).toEqual(value);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a three-way patch is empty when the live object already says everything the manifest does", () => {
    fc.assert(
      fc.property(mergingDocument, mergingDocument, (modified, extra) => {
        const current = unwrap(applyStrategicMergePatch(extra, modified, mergingMeta));
        // Reordering alone is a change, so compare against what the live object already holds.
        fc.pre(contains(current, modified, mergingMeta));
        expect(unwrap(createThreeWayMergePatch(modified, modified, current, mergingMeta))).toEqual({});
      }),
    );
  });
});
