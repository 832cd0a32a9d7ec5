import { describe, expect, it } from "vitest";
import {
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPortName,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
} from "../src/names.js";

// The messages below are Kubernetes' verbatim (k8s.io/apimachinery/pkg/util/validation).
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe("isDNS1123Label", () => {
  it.each(["a", "ab", "a-b", "0", "123-abc", "a".repeat(63)])("accepts %j", (v) => {
    expect(isDNS1123Label(v)).toEqual([]);
  });

  it.each(["", "A", "a_b", "-a", "a-", "a b", "é"])("rejects %j with the regex message", (v) => {
    expect(isDNS1123Label(v)).toEqual([LABEL_MSG]);
  });

  it("names dots and length precisely", () => {
    expect(isDNS1123Label("a.b")).toEqual(["must not contain dots"]);
    expect(isDNS1123Label("a".repeat(64))).toEqual(["must be no more than 63 characters"]);
    expect(isDNS1123Label(`-${"a".repeat(64)}`)).toEqual(["must be no more than 63 characters", LABEL_MSG]);
  });

  it("measures length in UTF-8 bytes, as Kubernetes does", () => {
    expect(isDNS1123Label("é".repeat(32))).toEqual(["must be no more than 63 characters", LABEL_MSG]);
  });
});

describe("isDNS1123Subdomain", () => {
  it.each(["a", "example.com", "a-b.c-d.e", "0.0", "a".repeat(253)])("accepts %j", (v) => {
    expect(isDNS1123Subdomain(v)).toEqual([]);
  });

  it.each(["", "a..b", ".a", "a.", "Example.com", "a_b.com"])("rejects %j", (v) => {
    expect(isDNS1123Subdomain(v)).toEqual([SUBDOMAIN_MSG]);
  });

  it("limits the length to 253", () => {
    expect(isDNS1123Subdomain("a".repeat(254))).toEqual(["must be no more than 253 characters"]);
  });
});

describe("isDNS1035Label", () => {
  it.each(["a", "my-name", "abc-123"])("accepts %j", (v) => {
    expect(isDNS1035Label(v)).toEqual([]);
  });

  it.each(["", "1abc", "a-", "a.b", "Abc"])("rejects %j", (v) => {
    expect(isDNS1035Label(v)).toEqual([DNS1035_MSG]);
  });
});

describe("isQualifiedName", () => {
  it.each(["app", "MyName", "my.name", "a_b", "example.com/app", "k8s.io/a_b.c", `x/${"a".repeat(63)}`])(
    "accepts %j",
    (v) => {
      expect(isQualifiedName(v)).toEqual([]);
    },
  );

  it("reports each part", () => {
    expect(isQualifiedName("/a")).toEqual(["prefix part must be non-empty"]);
    expect(isQualifiedName("a/")).toEqual(["name part must be non-empty", NAME_PART_MSG]);
    expect(isQualifiedName("")).toEqual(["name part must be non-empty", NAME_PART_MSG]);
    expect(isQualifiedName("-a")).toEqual([NAME_PART_MSG]);
    expect(isQualifiedName("a".repeat(64))).toEqual(["name part must be no more than 63 characters"]);
    expect(isQualifiedName("Example.com/a")).toEqual([`prefix part ${SUBDOMAIN_MSG}`]);
  });

  it("rejects more than one slash with a single message", () => {
    expect(isQualifiedName("a/b/c")).toEqual([
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]);
  });
});

describe("isValidLabelValue", () => {
  it.each(["", "a", "MyValue", "my_value", "12345", "a.b-c_d", "a".repeat(63)])("accepts %j", (v) => {
    expect(isValidLabelValue(v)).toEqual([]);
  });

  it.each(["-a", "a-", "a b", "a/b", "_"])("rejects %j", (v) => {
    expect(isValidLabelValue(v)).toEqual([LABEL_VALUE_MSG]);
  });

  it("limits the length to 63", () => {
    expect(isValidLabelValue("a".repeat(64))).toEqual(["must be no more than 63 characters"]);
  });
});

describe("isValidPortName", () => {
  it.each(["http", "h2c", "metrics-1", "a".repeat(15)])("accepts %j", (v) => {
    expect(isValidPortName(v)).toEqual([]);
  });

  it.each([
    [
      "",
      [
        "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        "must contain at least one letter (a-z)",
      ],
    ],
    ["123", ["must contain at least one letter (a-z)"]],
    ["a--b", ["must not contain consecutive hyphens"]],
    ["-a", ["must not begin or end with a hyphen"]],
    [
      "HTTP",
      [
        "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        "must contain at least one letter (a-z)",
      ],
    ],
    ["a".repeat(16), ["must be no more than 15 characters"]],
  ])("rejects %j", (v, errs) => {
    expect(isValidPortName(v)).toEqual(errs);
  });
});

describe("other keys and names", () => {
  it("checks ConfigMap keys", () => {
    expect(isConfigMapKey("app.properties")).toEqual([]);
    expect(isConfigMapKey("..data")).toEqual(["must not start with '..'"]);
    expect(isConfigMapKey("a b")).toEqual([
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
  });

  it("checks environment variable names", () => {
    expect(isEnvVarName("MY_VAR")).toEqual([]);
    expect(isEnvVarName("1VAR")).toHaveLength(1);
  });

  it("checks path segments", () => {
    expect(isValidPathSegmentName("ok")).toEqual([]);
    expect(isValidPathSegmentName("..")).toEqual(["may not be '..'"]);
    expect(isValidPathSegmentName("a/b%")).toEqual(["may not contain '/'", "may not contain '%'"]);
  });

  it("lets a generateName prefix end in a dash", () => {
    expect(nameIsDNSSubdomain("web-", true)).toEqual([]);
    expect(nameIsDNSSubdomain("web-", false)).toEqual([SUBDOMAIN_MSG]);
    expect(nameIsDNSLabel("a-", true)).toEqual([]);
    expect(nameIsDNSLabel("a.b", false)).toEqual(["must not contain dots"]);
    expect(nameIsDNS1035Label("svc-", true)).toEqual([]);
    expect(nameIsDNS1035Label("1svc", false)).toEqual([DNS1035_MSG]);
  });
});
