import { describe, expect, it } from "vitest";
import { previewCsv, records, rowErrors, rowsToShow } from "../../src/lib/csv";

describe("records", () => {
  it("numbers lines as an editor does, with quoted newlines, CRLF and a BOM", () => {
    const text = '\ufeffphone_number,note\r\n+15550000001,"two\nlines"\r\n+15550000002,"say ""hi"""\n';
    const rows = [...records(text)];
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4]);
    expect(rows[0].fields).toEqual(["phone_number", "note"]);
    expect(rows[1].fields).toEqual(["+15550000001", "two\nlines"]);
    expect(rows[2].fields).toEqual(["+15550000002", 'say "hi"']);
  });

  it("keeps empty trailing fields", () => {
    expect([...records("a,b,\n")][0].fields).toEqual(["a", "b", ""]);
  });
});

describe("previewCsv", () => {
  it("finds the phone column in any case and counts rows without blank lines", () => {
    const p = previewCsv("Name,PHONE_NUMBER\nAda,+15550000001\n\nBob,+15550000002\nCy,+15550000003\n", 2);
    expect(p.header).toEqual(["Name", "PHONE_NUMBER"]);
    expect(p.phoneColumn).toBe(1);
    expect(p.rowCount).toBe(3);
    expect(p.rows.map((r) => r.line)).toEqual([2, 4]);
    expect(p.problems).toEqual([]);
  });

  it("names what it can see is wrong", () => {
    const p = previewCsv("phone_number,name\n+15550000001,Ada\n,Bob\n+1555,Cy\n+15550000004\n");
    expect(p.problems).toEqual([
      { line: 3, message: "phone_number is empty" },
      { line: 4, message: "'+1555' does not look like an E.164 number" },
      { line: 5, message: "1 fields, the header has 2" },
    ]);
  });

  it("requires a phone_number header", () => {
    expect(previewCsv("name\nAda\n").problems[0]).toEqual({ line: 1, message: "the header has no phone_number column" });
    expect(previewCsv("").problems[0].message).toMatch(/empty/);
  });
});

describe("server row errors", () => {
  it("maps the 400's errors by line and shows those rows beside the first ones", () => {
    const text = ["phone_number", ...Array.from({ length: 10 }, (_, i) => `+1555000000${i}`), "not-a-number"].join("\n");
    const errors = rowErrors([
      { field: "contacts", line: 12, message: "line 12: 'not-a-number' is not a valid phone number" },
      { field: "name" },
      "junk",
    ]);
    expect([...errors.keys()]).toEqual([12]);
    const shown = rowsToShow(text, previewCsv(text, 3), errors);
    expect(shown.map((r) => r.line)).toEqual([2, 3, 4, 12]);
    expect(shown[3].fields).toEqual(["not-a-number"]);
  });

  it("ignores a body without errors", () => {
    expect(rowErrors(undefined).size).toBe(0);
  });
});
