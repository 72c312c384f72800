/**
 * JSON annotation files: JSONL (one record per line), a JSON list of the same records, and
 * COCO captions ({"images": [{id, file_name}], "annotations": [{image_id, caption}]}).
 */
import type { IssueLocation } from "./issues.js";
import { locateJsonEntries } from "./jsonLocate.js";
import { jsonErrorMessage } from "./jsonSyntax.js";
import type { ReaderContext } from "./readerContext.js";
import { recordFromObject } from "./recordFields.js";
import { RowError } from "./records.js";
import { shorten } from "./text.js";
import type { RawRecord } from "./types.js";

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** One record, or an error issue when it cannot be read. */
function readRecord(value: unknown, at: IssueLocation, ctx: ReaderContext, records: RawRecord[]): void {
  if (!isObject(value)) {
    ctx.issues.error("malformed-row", at, "a record must be a JSON object with image and caption (skipped)");
    return;
  }
  try {
    records.push(recordFromObject(value, at, ctx.issues, ctx.limits.maxNegativesPerItem));
  } catch (e) {
    if (!(e instanceof RowError)) throw e;
    ctx.issues.error("malformed-row", at, `${e.message} (record skipped)`, e.field);
  }
}

export function readJsonl(text: string, file: string, ctx: ReaderContext): RawRecord[] {
  const records: RawRecord[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    const at = { file, line: i + 1 };
    if (!ctx.take(at)) break;
    let value: unknown;
    try {
      value = JSON.parse(lines[i]);
    } catch (e) {
      const why = jsonErrorMessage(e, lines[i]).replace(/^line 1, /, "");
      ctx.issues.error("malformed-row", at, `not valid JSON (${why}; line skipped)`);
      continue;
    }
    readRecord(value, at, ctx, records);
  }
  return records;
}

/** A .json file: a list of records or COCO captions. */
export function readJsonDocument(text: string, file: string, ctx: ReaderContext): RawRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    ctx.issues.error("bad-file", { file }, `not valid JSON (${jsonErrorMessage(e, text)})`);
    return [];
  }
  const lines = locateJsonEntries(text);
  const records: RawRecord[] = [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = { file, line: lines.elements[i], entry: `[${i}]` };
      if (!ctx.take(at)) break;
      readRecord(value[i], at, ctx, records);
    }
    return records;
  }
  if (isObject(value) && Array.isArray(value.images) && Array.isArray(value.annotations))
    return readCoco(value.images, value.annotations, file, lines, ctx);
  ctx.issues.error(
    "bad-file",
    { file },
    'a .json file must be COCO captions ({"images": [...], "annotations": [...]}) or a list of records; use .jsonl for one record per line',
  );
  return [];
}

function readCoco(
  images: unknown[],
  annotations: unknown[],
  file: string,
  lines: ReturnType<typeof locateJsonEntries>,
  ctx: ReaderContext,
): RawRecord[] {
  const fileNames = new Map<string, string>();
  const imageLines = lines.memberElements.get("images") ?? [];
  images.forEach((image, i) => {
    const at = { file, line: imageLines[i], entry: `images[${i}]` };
    const id = isObject(image) ? image.id : undefined;
    const name = isObject(image) ? image.file_name : undefined;
    if ((typeof id !== "number" && typeof id !== "string") || typeof name !== "string") {
      ctx.issues.warning("malformed-row", at, "an image needs an id and a file_name (ignored)");
    } else if (fileNames.has(String(id))) {
      ctx.issues.warning("duplicate", at, `image id ${id} listed again (the first is used)`);
    } else fileNames.set(String(id), name);
  });
  const annotationLines = lines.memberElements.get("annotations") ?? [];
  const records: RawRecord[] = [];
  for (let i = 0; i < annotations.length; i++) {
    const annotation = annotations[i];
    const at = { file, line: annotationLines[i], entry: `annotations[${i}]` };
    if (!ctx.take(at)) break;
    if (!isObject(annotation)) {
      ctx.issues.error("malformed-row", at, "an annotation must be an object (skipped)");
      continue;
    }
    const { image_id: id, caption } = annotation;
    const image = typeof id === "number" || typeof id === "string" ? fileNames.get(String(id)) : undefined;
    if (image === undefined)
      ctx.issues.error(
        "malformed-row",
        at,
        `image_id ${shorten(String(JSON.stringify(id)), 30)} is not in "images" (skipped)`,
        "image_id",
      );
    else if (caption !== undefined && caption !== null && typeof caption !== "string")
      ctx.issues.error("malformed-row", at, "must be a string (skipped)", "caption");
    else records.push({ at, image, caption: caption ?? "", negatives: [] });
  }
  return records;
}
