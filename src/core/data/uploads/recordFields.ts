/**
 * One record (a JSONL line, an element of a JSON list, a CSV row turned into an object)
 * into a RawRecord: `image`, `caption`, and negatives from `negatives` (strings or
 * {text, type} objects), `negative_1..k` and `negative_types`.
 */
import type { IssueList, IssueLocation } from "./issues.js";
import { numberedNegative, parseTypeCell, RowError, stringList, toUserNegatives } from "./records.js";
import type { RawRecord } from "./types.js";

/** Accepted column names, first match wins (open_clip CSVs use filepath/title). */
export const IMAGE_FIELDS = ["image", "file_name", "filepath", "filename", "image_path"] as const;
export const CAPTION_FIELDS = ["caption", "text", "title"] as const;

export function findField(names: readonly string[], accepted: readonly string[]): string | undefined {
  return accepted.find((name) => names.includes(name));
}

/** {"text": "...", "type": "..."} with an optional type. */
function isTypedNegative(entry: unknown): entry is { text: string; type?: string } {
  if (entry === null || typeof entry !== "object") return false;
  const { text, type } = entry as { text?: unknown; type?: unknown };
  return typeof text === "string" && (type === undefined || typeof type === "string");
}

function negativeTexts(value: unknown): { texts: string[]; types: string[] } {
  if (value === undefined || value === null) return { texts: [], types: [] };
  if (!Array.isArray(value)) throw new RowError("must be a list", "negatives");
  const texts: string[] = [];
  const types: string[] = [];
  for (const entry of value) {
    if (typeof entry === "string") {
      texts.push(entry);
      types.push("");
    } else if (isTypedNegative(entry)) {
      texts.push(entry.text);
      types.push(entry.type ?? "");
    } else throw new RowError('entries must be strings or {"text": ..., "type": ...} objects', "negatives");
  }
  return { texts, types };
}

/** Reads the record; throws RowError for a field of the wrong kind. */
export function recordFromObject(
  object: Readonly<Record<string, unknown>>,
  at: IssueLocation,
  issues: IssueList,
  maxNegatives: number,
): RawRecord {
  const keys = Object.keys(object);
  const imageKey = findField(keys, IMAGE_FIELDS);
  const image = imageKey === undefined ? undefined : object[imageKey];
  if (typeof image !== "string")
    throw new RowError(image === undefined ? 'no "image" field' : "must be a string (a file name)", "image");
  const captionKey = findField(keys, CAPTION_FIELDS);
  const caption = captionKey === undefined ? "" : (object[captionKey] ?? "");
  if (typeof caption !== "string") throw new RowError("must be a string", "caption");
  const { texts, types } = negativeTexts(object.negatives);
  const numbered = keys
    .map((key) => ({ key, k: numberedNegative(key) }))
    .filter((e): e is { key: string; k: number } => e.k !== undefined)
    .sort((a, b) => a.k - b.k);
  for (const { key } of numbered) {
    const value = object[key] ?? "";
    if (typeof value !== "string") throw new RowError("must be a string", key);
    texts.push(value);
    types.push("");
  }
  let typeList: string[] | undefined = types.some((t) => t !== "") ? types : undefined;
  const given = object.negative_types;
  if (typeof given === "string" && given.trim() !== "") typeList = parseTypeCell(given, "negative_types");
  else if (Array.isArray(given)) typeList = stringList(given, "negative_types");
  else if (given !== undefined && given !== null && given !== "")
    throw new RowError("must be a list of type names", "negative_types");
  // Types align with every negative cell, blank ones included, so blanks are dropped after.
  return {
    at,
    image,
    caption,
    negatives: toUserNegatives(texts, typeList, caption, at, issues, maxNegatives),
  };
}
