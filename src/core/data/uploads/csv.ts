/**
 * CSV and TSV annotation files (papaparse): a header row naming `image` and `caption`
 * (required) and optional `negatives` (a JSON list), `negative_1..k` and `negative_types`.
 * Every row is located by the line it starts on, quoted multi-line fields included.
 */
import Papa from "papaparse";
import type { ReaderContext } from "./readerContext.js";
import { CAPTION_FIELDS, findField, IMAGE_FIELDS, recordFromObject } from "./recordFields.js";
import { parseJsonStringList, RowError } from "./records.js";
import type { RawRecord } from "./types.js";

export function readDelimited(
  text: string,
  file: string,
  delimiter: "," | "\t",
  ctx: ReaderContext,
): RawRecord[] {
  const records: RawRecord[] = [];
  let start = 0; // offset where the current row starts
  let line = 1; // line of `start`
  let header: string[] | undefined;
  Papa.parse<string[]>(text, {
    delimiter,
    // papaparse guesses the line break with quoted fields left out ("\r\n" inside a caption).
    skipEmptyLines: false,
    step: (result, parser) => {
      const rowLine = line;
      const end = result.meta.cursor;
      const lineEnd = result.meta.linebreak === "\r" ? "\r" : "\n";
      for (let i = start; i < end; i++) if (text[i] === lineEnd) line++;
      start = end;
      const fields = result.data;
      if (fields.every((f) => f.trim() === "")) return;
      const at = { file, line: rowLine };
      if (!header) {
        header = fields.map((name) => name.trim().toLowerCase());
        const missing = [
          findField(header, IMAGE_FIELDS) ? undefined : '"image"',
          findField(header, CAPTION_FIELDS) ? undefined : '"caption"',
        ].filter(Boolean);
        if (missing.length > 0) {
          ctx.issues.error(
            "bad-file",
            at,
            `the header has no ${missing.join(" or ")} column (columns: ${header.slice(0, 8).join(", ") || "none"})`,
          );
          parser.abort();
        }
        return;
      }
      if (!ctx.take(at)) {
        parser.abort();
        return;
      }
      if (result.errors.length > 0) {
        ctx.issues.error("malformed-row", at, `${result.errors[0].message} (row skipped)`);
        return;
      }
      if (fields.length !== header.length) {
        ctx.issues.error(
          "malformed-row",
          at,
          `${fields.length} fields where the header has ${header.length} (row skipped)`,
        );
        return;
      }
      try {
        const object: Record<string, unknown> = {};
        header.forEach((name, k) => {
          object[name] = fields[k];
        });
        const list = String(object.negatives ?? "").trim();
        object.negatives = list === "" ? undefined : parseJsonStringList(list, "negatives");
        records.push(recordFromObject(object, at, ctx.issues, ctx.limits.maxNegativesPerItem));
      } catch (e) {
        if (!(e instanceof RowError)) throw e;
        ctx.issues.error("malformed-row", at, `${e.message} (row skipped)`, e.field);
      }
    },
  });
  if (!header) ctx.issues.error("bad-file", { file }, "the file has no header row (it is empty)");
  return records;
}
