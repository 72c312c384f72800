/**
 * The one entry point for an upload: expands zips, finds the annotation files by extension
 * (.csv, .tsv, .jsonl/.ndjson, .json: COCO captions or a list of records), reads their
 * records, checks each against the upload (caption, image present, duplicates, image
 * decodes), lays the negatives out in slots and reports every problem by file and line.
 * Bad records are skipped and listed; the rest are kept. Never throws on bad data.
 */
import type { RgbaImage } from "../../clip/preprocess.js";
import { isNegativeGeneratorType } from "../../negatives/index.js";
import { readDelimited } from "./csv.js";
import { ANNOTATION_EXTENSIONS, expandUploadFiles } from "./files.js";
import { type DataIssue, formatLocation, IssueList, type IssueLocation } from "./issues.js";
import { readJsonDocument, readJsonl } from "./json.js";
import { slotLayout, slotNegatives } from "./negatives.js";
import { dirname, extension, NameIndex } from "./paths.js";
import { createReaderContext, type ReaderContext } from "./readerContext.js";
import { decodeText } from "./text.js";
import {
  DEFAULT_UPLOAD_LIMITS,
  type NegativeOptions,
  type RawRecord,
  type UploadFile,
  type UploadItem,
  type UploadOptions,
  type UploadResult,
} from "./types.js";

function readAnnotation(file: string, text: string, ctx: ReaderContext): RawRecord[] {
  switch (extension(file)) {
    case "csv":
      return readDelimited(text, file, ",", ctx);
    case "tsv":
      return readDelimited(text, file, "\t", ctx);
    case "json":
      return readJsonDocument(text, file, ctx);
    default:
      return readJsonl(text, file, ctx);
  }
}

function checkNegativeOptions(options: NegativeOptions): void {
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed))
    throw new Error(`negative seed must be a safe integer, got ${options.seed}`);
  const types = options.types ?? [];
  for (const type of types)
    if (!isNegativeGeneratorType(type)) throw new Error(`unknown negative type "${type}"`);
  if (new Set(types).size !== types.length) throw new Error("a negative type is listed twice");
}

function checkDecoded(image: RgbaImage): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new Error(`decoded to an invalid size ${width}x${height}`);
  if (![1, 2, 3, 4].includes(channels) || data.length !== width * height * channels)
    throw new Error("decoded to inconsistent pixel data");
}

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e)).split("\n")[0];

/** Decodes (and hands to onImage) one image; why it failed, or undefined. */
async function decodeOne(
  name: string,
  bytes: Uint8Array,
  options: UploadOptions,
): Promise<string | undefined> {
  let image: RgbaImage;
  try {
    image = await options.decodeImage(bytes, name);
    checkDecoded(image);
  } catch (e) {
    return `image "${name}" is unreadable: ${reason(e)}`;
  }
  try {
    await options.onImage?.(name, image);
  } catch (e) {
    return `image "${name}" could not be stored: ${reason(e)}`;
  }
  return undefined;
}

/** Decodes each image once, 4 at a time; returns why each failed one failed. */
async function decodeImages(
  names: readonly string[],
  files: ReadonlyMap<string, Uint8Array>,
  options: UploadOptions,
): Promise<Map<string, string>> {
  const failures = new Map<string, string>();
  let next = 0;
  let done = 0;
  const work = async () => {
    while (next < names.length) {
      const name = names[next++];
      const problem = await decodeOne(name, files.get(name)!, options);
      if (problem) failures.set(name, problem);
      options.onProgress?.("images", ++done, names.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, names.length) }, work));
  return failures;
}

const byPlace = (a: DataIssue, b: DataIssue) =>
  a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0);

export async function parseUpload(
  files: readonly UploadFile[],
  options: UploadOptions,
): Promise<UploadResult> {
  const negativeOptions = options.negatives ?? {};
  checkNegativeOptions(negativeOptions);
  const limits = { ...DEFAULT_UPLOAD_LIMITS, ...options.limits };
  const issues = new IssueList();
  const all = expandUploadFiles(files, limits, issues);
  const annotationFiles = [...all.keys()].filter((n) => ANNOTATION_EXTENSIONS.includes(extension(n))).sort();
  if (annotationFiles.length === 0)
    issues.error(
      "bad-file",
      { file: "(upload)" },
      "no annotation file: add a .csv, .tsv, .jsonl or COCO captions .json with the images",
    );
  const ctx = createReaderContext(issues, limits);
  const records: RawRecord[] = [];
  for (const file of annotationFiles) {
    const bytes = all.get(file)!;
    if (bytes.length > limits.maxAnnotationBytes)
      issues.error(
        "limit",
        { file },
        `${bytes.length} bytes, more than the ${limits.maxAnnotationBytes} allowed`,
      );
    else {
      const [taken, reported] = [ctx.taken, issues.total];
      for (const record of readAnnotation(file, decodeText(bytes), ctx)) records.push(record);
      if (ctx.taken === taken && issues.total === reported)
        issues.error("bad-file", { file }, "the file holds no records (image-caption pairs)");
    }
  }

  // Checks that need no pixels: caption, image present, duplicates.
  const index = new NameIndex([...all.keys()].filter((n) => !annotationFiles.includes(n)));
  const seen = new Map<string, IssueLocation>();
  const candidates: { record: RawRecord; image: string }[] = [];
  for (const record of records) {
    const caption = record.caption.trim();
    if (caption === "") {
      issues.error("empty-caption", record.at, "the caption is empty (skipped)", "caption");
      continue;
    }
    if (caption.length > limits.maxCaptionChars) {
      issues.error(
        "limit",
        record.at,
        `the caption has ${caption.length} characters, more than the ${limits.maxCaptionChars} allowed (skipped)`,
        "caption",
      );
      continue;
    }
    const found = index.resolve(record.image, dirname(record.at.file));
    if ("problem" in found) {
      issues.error("missing-image", record.at, `${found.problem} (skipped)`, "image");
      continue;
    }
    const key = `${found.name}\u0000${caption.toLowerCase().replace(/\s+/g, " ")}`;
    const first = seen.get(key);
    if (first) {
      issues.error("duplicate", record.at, `same image and caption as ${formatLocation(first)} (skipped)`);
      continue;
    }
    seen.set(key, record.at);
    candidates.push({ record: { ...record, caption }, image: found.name });
  }

  const imageNames = [...new Set(candidates.map((c) => c.image))];
  const unreadable = await decodeImages(imageNames, all, options);
  const kept = candidates.filter(({ record, image }) => {
    const problem = unreadable.get(image);
    if (problem) issues.error("unreadable-image", record.at, `${problem} (skipped)`, "image");
    return !problem;
  });

  const layout = slotLayout(
    kept.map((c) => c.record.negatives),
    negativeOptions,
  );
  const items: UploadItem[] = kept.map(({ record, image }, k) => {
    if (k % 100 === 0) options.onProgress?.("negatives", k, kept.length);
    const { at } = record;
    return {
      id: at.entry !== undefined ? `${at.file}#${at.entry}` : `${at.file}:${at.line}`,
      image,
      caption: record.caption,
      userNegatives: record.negatives,
      ...slotNegatives(record.caption, record.negatives, layout, negativeOptions, { issues, at }),
      source: at,
    };
  });
  options.onProgress?.("negatives", items.length, items.length);
  return {
    items,
    negativeTypeNames: layout.names,
    issues: issues.toArray().sort(byPlace),
    summary: {
      files: all.size,
      annotationFiles,
      images: imageNames.length - unreadable.size,
      records: ctx.taken,
      items: items.length,
      skipped: ctx.taken - items.length,
    },
  };
}

/**
 * Slots laid out again after the user edited negatives in the Data panel (user negatives
 * still win over generated ones; the same seed gives the same generated ones).
 */
export function relayoutNegatives(
  items: readonly UploadItem[],
  negatives: NegativeOptions = {},
): { items: UploadItem[]; negativeTypeNames: string[] } {
  checkNegativeOptions(negatives);
  const layout = slotLayout(
    items.map((item) => item.userNegatives),
    negatives,
  );
  return {
    items: items.map((item) => ({
      ...item,
      ...slotNegatives(item.caption, item.userNegatives, layout, negatives),
    })),
    negativeTypeNames: layout.names,
  };
}
