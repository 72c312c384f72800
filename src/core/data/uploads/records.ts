/**
 * Fields shared by the CSV/TSV and JSONL readers: user negatives (`negatives` as a JSON list,
 * `negative_1..k`, optional `negative_types`) turned into typed UserNegatives.
 */
import { isNegativeGeneratorType, NEGATIVE_GENERATOR_TYPES } from "../../negatives/index.js";
import type { IssueList, IssueLocation } from "./issues.js";
import { shorten } from "./text.js";
import type { UserNegative } from "./types.js";

/** A problem that makes one row unusable; the reader reports it and skips the row. */
export class RowError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** "negative_3" -> 3; undefined for other names. */
export function numberedNegative(name: string): number | undefined {
  const match = /^negative_(\d+)$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** A JSON list of strings in a text cell. */
export function parseJsonStringList(cell: string, field: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(cell);
  } catch {
    throw new RowError(
      `must be a JSON list of strings like ["a dog", "a cat"], got ${shorten(cell, 40)}`,
      field,
    );
  }
  return stringList(value, field);
}

export function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string"))
    throw new RowError("must be a list of strings", field);
  return value as string[];
}

/** negative_types as a JSON list or separated by "|", ";" or ",". */
export function parseTypeCell(cell: string, field: string): string[] {
  const trimmed = cell.trim();
  if (trimmed.startsWith("[")) return parseJsonStringList(trimmed, field);
  return trimmed.split(/[|;,]/).map((t) => t.trim());
}

/**
 * Typed user negatives from texts and optional type names, aligned with every text or with
 * the non-blank ones. Blank texts are not negatives; unknown types and misaligned type lists
 * are warnings (the texts are kept untyped); past `max` negatives the rest are left out.
 */
export function toUserNegatives(
  texts: readonly string[],
  types: readonly string[] | undefined,
  caption: string,
  at: IssueLocation,
  issues: IssueList,
  max: number,
): UserNegative[] {
  const filled = texts.map((t, k) => ({ text: t.trim(), k })).filter((e) => e.text !== "");
  let typeOf = (_index: number): string => "";
  if (types && types.length === texts.length) typeOf = (index) => types[filled[index].k]?.trim() ?? "";
  else if (types && types.length === filled.length) typeOf = (index) => types[index]?.trim() ?? "";
  else if (types)
    issues.warning(
      "negatives",
      at,
      `${types.length} negative types for ${filled.length} negatives; the types are ignored`,
      "negative_types",
    );
  const same = (text: string) => text.toLowerCase() === caption.trim().toLowerCase();
  const out: UserNegative[] = [];
  filled.forEach(({ text }, index) => {
    if (same(text)) {
      issues.warning(
        "negatives",
        at,
        `negative ${index + 1} equals the caption and is left out`,
        "negatives",
      );
      return;
    }
    const typeName = typeOf(index);
    let type: UserNegative["type"] = null;
    if (isNegativeGeneratorType(typeName)) type = typeName;
    else if (typeName !== "")
      issues.warning(
        "negatives",
        at,
        `unknown negative type "${shorten(typeName, 30)}" (known: ${NEGATIVE_GENERATOR_TYPES.join(", ")}); kept without a type`,
        "negative_types",
      );
    out.push({ text, type });
  });
  if (out.length > max) {
    issues.warning("limit", at, `${out.length} negatives, only the first ${max} are kept`, "negatives");
    return out.slice(0, max);
  }
  return out;
}
