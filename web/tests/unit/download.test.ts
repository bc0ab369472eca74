import { describe, expect, it } from "vitest";
import { fileNameOf } from "../../src/lib/download";

describe("fileNameOf", () => {
  it("reads the quoted file name the API sends", () => {
    expect(fileNameOf('attachment; filename="cmp_1-contacts.csv"', "x.csv")).toBe("cmp_1-contacts.csv");
  });
  it("prefers the RFC 5987 form and decodes it", () => {
    expect(fileNameOf("attachment; filename=a.csv; filename*=UTF-8''caf%C3%A9.csv", "x.csv")).toBe("café.csv");
  });
  it("falls back without a header or a usable name, and strips paths", () => {
    expect(fileNameOf(null, "x.csv")).toBe("x.csv");
    expect(fileNameOf("attachment", "x.csv")).toBe("x.csv");
    expect(fileNameOf('attachment; filename="../../etc/passwd"', "x.csv")).toBe("_.._etc_passwd");
  });
});
