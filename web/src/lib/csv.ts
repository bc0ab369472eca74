// A small RFC 4180 reader for the campaign upload preview: the first rows of the file as the
// server will see them, with line numbers as a text editor counts them (the header is line 1;
// a quoted field spanning lines is named by its first line), which is how the server names
// bad rows in its 400 answer.

export interface CsvRow {
  line: number;
  fields: string[];
}

export interface CsvPreview {
  header: string[];
  phoneColumn: number; // -1 when the header has no phone_number column
  rows: CsvRow[]; // the first `limit` data rows
  rowCount: number; // data rows in the whole text (blank lines skipped)
  problems: { line: number; message: string }[]; // what we can tell before uploading
}

const E164 = /^\+[1-9]\d{6,14}$/;

/** Splits CSV text into records, keeping the line each record starts on. */
export function* records(text: string): Generator<CsvRow> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let field = "";
    let quoted = false;
    let atFieldStart = true;
    for (; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i++;
          } else quoted = false;
        } else {
          if (c === "\n") line++;
          field += c;
        }
      } else if (c === '"' && atFieldStart) {
        quoted = true;
        atFieldStart = false;
      } else if (c === ",") {
        fields.push(field);
        field = "";
        atFieldStart = true;
      } else if (c === "\r" || c === "\n") {
        if (c === "\r" && text[i + 1] === "\n") i++;
        i++;
        line++;
        break;
      } else {
        field += c;
        atFieldStart = false;
      }
    }
    fields.push(field);
    yield { line: start, fields };
  }
}

/** The preview of an upload: header, first rows, row count and the problems visible locally. */
export function previewCsv(text: string, limit = 5): CsvPreview {
  const all = records(text);
  const first = all.next();
  if (first.done) {
    return { header: [], phoneColumn: -1, rows: [], rowCount: 0, problems: [{ line: 1, message: "the file is empty (a header row is required)" }] };
  }
  const header = first.value.fields.map((h) => h.trim());
  const phoneColumn = header.findIndex((h) => h.toLowerCase() === "phone_number");
  const problems: CsvPreview["problems"] = [];
  if (phoneColumn < 0) problems.push({ line: 1, message: "the header has no phone_number column" });
  const rows: CsvRow[] = [];
  let rowCount = 0;
  for (const row of all) {
    if (row.fields.every((f) => f === "")) continue;
    rowCount++;
    if (rows.length < limit) rows.push(row);
    if (row.fields.length !== header.length) {
      problems.push({ line: row.line, message: `${row.fields.length} fields, the header has ${header.length}` });
    } else if (phoneColumn >= 0) {
      const phone = row.fields[phoneColumn].trim();
      if (!phone) problems.push({ line: row.line, message: "phone_number is empty" });
      else if (phone.startsWith("+") && !E164.test(phone.replace(/[\s().-]/g, "")))
        problems.push({ line: row.line, message: `'${phone}' does not look like an E.164 number` });
    }
  }
  return { header, phoneColumn, rows, rowCount, problems };
}

/** Server row errors (`errors: [{line, message}]` of a 400) keyed by line. */
export function rowErrors(errors: unknown): Map<number, string> {
  const out = new Map<number, string>();
  if (!Array.isArray(errors)) return out;
  for (const e of errors) {
    if (e && typeof e === "object" && typeof (e as { line?: unknown }).line === "number") {
      const { line, message } = e as { line: number; message?: unknown };
      out.set(line, typeof message === "string" ? message : "invalid row");
    }
  }
  return out;
}

/** The rows a person needs to see: the first ones, plus every row the server named. */
export function rowsToShow(text: string, preview: CsvPreview, errors: Map<number, string>): CsvRow[] {
  if (errors.size === 0) return preview.rows;
  const shown = new Map(preview.rows.map((r) => [r.line, r]));
  let skippedHeader = false;
  for (const row of records(text)) {
    if (!skippedHeader) {
      skippedHeader = true;
      continue;
    }
    if (errors.has(row.line)) shown.set(row.line, row);
  }
  return [...shown.values()].sort((a, b) => a.line - b.line);
}
