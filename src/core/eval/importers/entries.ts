/**
 * Reading benchmark annotation files record by record: JSON (a top-level list or object)
 * and JSONL, each record located by line so a bad one is reported and skipped, not fatal.
 */
import type { IssueList, IssueLocation } from "../../data/uploads/issues.js";
import { locateJsonEntries } from "../../data/uploads/jsonLocate.js";
import { jsonErrorMessage } from "../../data/uploads/jsonSyntax.js";
import { basename } from "../../data/uploads/paths.js";
import { RowError } from "../../data/uploads/records.js";
import { decodeText } from "../../data/uploads/text.js";
import type { BenchmarkCase, ParsedBenchmark } from "./types.js";

export interface Entry {
  value: unknown;
  at: IssueLocation;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** The members of a top-level object ("list": elements of a top-level array) of a JSON file. */
export function jsonEntries(
  file: { name: string; bytes: Uint8Array },
  root: "object" | "list",
  issues: IssueList,
): Entry[] {
  const text = decodeText(file.bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    issues.error("bad-file", { file: file.name }, `not valid JSON (${jsonErrorMessage(e, text)})`);
    return [];
  }
  const lines = locateJsonEntries(text);
  if (root === "list" && Array.isArray(value))
    return value.map((v, i) => ({
      value: v,
      at: { file: file.name, line: lines.elements[i], entry: `[${i}]` },
    }));
  if (root === "object" && isRecord(value))
    return Object.entries(value).map(([key, v]) => ({
      value: v,
      at: { file: file.name, line: lines.members.get(key), entry: key },
    }));
  issues.error(
    "bad-file",
    { file: file.name },
    `expected a JSON ${root === "list" ? "list" : "object"} at the top`,
  );
  return [];
}

/** One record per non-blank line. */
export function jsonlEntries(file: { name: string; bytes: Uint8Array }, issues: IssueList): Entry[] {
  const out: Entry[] = [];
  decodeText(file.bytes)
    .split(/\r\n|\n|\r/)
    .forEach((line, i) => {
      if (line.trim() === "") return;
      const at = { file: file.name, line: i + 1 };
      try {
        out.push({ value: JSON.parse(line), at });
      } catch (e) {
        const why = jsonErrorMessage(e, line).replace(/^line 1, /, "");
        issues.error("malformed-row", at, `not valid JSON (${why}; skipped)`);
      }
    });
  if (out.length === 0 && issues.total === 0)
    issues.error("bad-file", { file: file.name }, "the file has no records");
  return out;
}

/** A non-empty string field, or RowError naming it. */
export function text(record: Record<string, unknown>, field: string): string {
  const value = record[field];
  if (typeof value !== "string")
    throw new RowError(value === undefined ? "missing" : "must be a string", field);
  if (value.trim() === "") throw new RowError("is empty", field);
  return value;
}

/** A finite number field, or RowError naming it. */
export function number(record: Record<string, unknown>, field: string): number {
  const value = record[field];
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new RowError(value === undefined ? "missing" : "must be a number", field);
  return value;
}

/**
 * Cases from entries: `read` builds one case (or null for one the benchmark's rule leaves
 * out); a RowError becomes a "malformed-row" issue and the entry is skipped.
 */
export function collectCases(
  entries: readonly Entry[],
  issues: IssueList,
  read: (value: unknown, at: IssueLocation) => BenchmarkCase | null,
): ParsedBenchmark {
  const cases: BenchmarkCase[] = [];
  let excluded = 0;
  for (const { value, at } of entries) {
    try {
      if (!isRecord(value) && !Array.isArray(value)) throw new RowError("a record must be a JSON object");
      const found = read(value, at);
      if (found) cases.push(found);
      else excluded++;
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      issues.error("malformed-row", at, `${e.message} (skipped)`, e.field);
    }
  }
  return { cases, issues: issues.toArray(), excluded };
}

/** A subset name from an annotation file's name: "data/swap_att.json" -> "swap_att". */
export function subsetOf(fileName: string): string {
  return basename(fileName).replace(/\.(jsonl?|ndjson)$/i, "");
}
