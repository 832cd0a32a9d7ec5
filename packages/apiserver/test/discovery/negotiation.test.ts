import { describe, expect, it } from "vitest";
import {
  includeObjectPolicy,
  parseAccept,
  wantsAggregatedDiscovery,
  wantsTable,
} from "../../src/http/negotiation.js";

const KUBECTL_GET =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
const KUBECTL_DISCOVERY =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

describe("parseAccept", () => {
  it("reads types, parameters and weights, most preferred first", () => {
    const ranges = parseAccept("text/plain;q=0.5, application/json;as=Table;g=meta.k8s.io;v=v1, */*;q=0.1");
    expect(ranges.map((r) => `${r.type}/${r.subtype}`)).toEqual(["application/json", "text/plain", "*/*"]);
    expect(ranges[0]?.params).toEqual({ as: "Table", g: "meta.k8s.io", v: "v1" });
    expect(ranges[1]?.q).toBe(0.5);
  });

  it("drops ranges with q=0 and handles an empty header", () => {
    expect(parseAccept("application/json;q=0")).toEqual([]);
    expect(parseAccept(undefined)).toEqual([]);
  });
});

describe("wantsTable", () => {
  it("is true for what kubectl get sends", () => {
    expect(wantsTable(KUBECTL_GET)).toBe(true);
  });

  it("accepts v1beta1 Tables", () => {
    expect(wantsTable("application/json;as=Table;v=v1beta1;g=meta.k8s.io")).toBe(true);
  });

  it("is false for plain JSON and for plain JSON listed first", () => {
    expect(wantsTable("application/json")).toBe(false);
    expect(wantsTable(undefined)).toBe(false);
    expect(wantsTable(`application/json,${KUBECTL_GET}`)).toBe(false);
  });

  it("skips protobuf, which is never answered", () => {
    expect(wantsTable(`application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,${KUBECTL_GET}`)).toBe(
      true,
    );
    expect(wantsTable("application/vnd.kubernetes.protobuf,application/json")).toBe(false);
  });

  it("ignores a Table of another group or version", () => {
    expect(wantsTable("application/json;as=Table;v=v2;g=meta.k8s.io")).toBe(false);
    expect(wantsTable("application/json;as=Table;v=v1;g=example.com,application/json")).toBe(false);
  });

  it("honours weights over order", () => {
    expect(wantsTable("application/json;q=0.5,application/json;as=Table;v=v1;g=meta.k8s.io")).toBe(true);
  });
});

describe("wantsAggregatedDiscovery", () => {
  it("is true for what kubectl sends to /api and /apis", () => {
    expect(wantsAggregatedDiscovery(KUBECTL_DISCOVERY)).toBe(true);
  });

  it("is false for plain JSON or only the beta version", () => {
    expect(wantsAggregatedDiscovery("application/json")).toBe(false);
    expect(
      wantsAggregatedDiscovery(
        "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json",
      ),
    ).toBe(false);
    expect(wantsAggregatedDiscovery(KUBECTL_GET)).toBe(false);
  });
});

describe("includeObjectPolicy", () => {
  it("defaults to Metadata", () => {
    expect(includeObjectPolicy(new URLSearchParams(""))).toBe("Metadata");
    expect(includeObjectPolicy({})).toBe("Metadata");
  });

  it("reads None, Metadata and Object", () => {
    expect(includeObjectPolicy(new URLSearchParams("includeObject=None"))).toBe("None");
    expect(includeObjectPolicy({ includeObject: "Object" })).toBe("Object");
  });

  it("rejects other values with 400", () => {
    expect(() => includeObjectPolicy({ includeObject: "All" })).toThrow(/Unsupported value/);
    const thrown = (() => {
      try {
        includeObjectPolicy(new URLSearchParams("includeObject=all"));
      } catch (err) {
        return err;
      }
    })();
    expect(thrown).toMatchObject({ code: 400 });
  });
});
