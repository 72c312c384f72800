/**
 * Runs an imported benchmark: resolves and decodes each distinct image (cropped where the
 * benchmark says) once, in batches, embeds each distinct text once, and hands every test's
 * similarity matrix to the benchmark's own scoring. A test whose image is missing or
 * unreadable is skipped and listed; the rest are scored.
 */
import { type DataIssue, formatIssue, IssueList } from "../../data/uploads/issues.js";
import type { DecodeImage } from "../../data/uploads/types.js";
import { dot } from "../scoring.js";
import { cropImage } from "./crop.js";
import type { Embedder } from "./embedder.js";
import type { ImageFiles } from "./imageFiles.js";
import type { BenchmarkCase, CaseSims, CropBox, ImportedScores, Importer, ParsedBenchmark } from "./types.js";

export interface ImportedRunOptions {
  /** Images decoded and encoded per batch (default 64). */
  batchSize?: number;
  /** Evaluate only the first `limit` tests. */
  limit?: number;
  onProgress?: (imagesDone: number, imagesTotal: number) => void;
}

export interface ImportedRunResult extends ImportedScores {
  format: string;
  /** Tests scored. */
  n: number;
  /** Tests left out for a missing or unreadable image. */
  skipped: number;
  /** Tests the benchmark's own rule leaves out (VALSE's unvalidated foils). */
  excluded: number;
  issues: DataIssue[];
}

const cropKey = (crop: CropBox | undefined) =>
  crop ? `#${crop.x},${crop.y},${crop.width},${crop.height}` : "";

export async function runImportedBenchmark(
  embedder: Embedder,
  importer: Importer,
  parsed: ParsedBenchmark,
  images: ImageFiles,
  decode: DecodeImage,
  options: ImportedRunOptions = {},
): Promise<ImportedRunResult> {
  const { batchSize = 64, limit, onProgress } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error("batchSize must be a positive integer");
  const issues = new IssueList();
  for (const issue of parsed.issues) issues.add(issue);
  const cases = limit === undefined ? parsed.cases : parsed.cases.slice(0, limit);

  // Distinct (file, crop) pairs: ARO crops many boxes from one picture.
  const refs = new Map<string, { name: string; crop?: CropBox }>();
  const resolved: { test: BenchmarkCase; keys: string[] }[] = [];
  for (const test of cases) {
    const keys: string[] = [];
    for (const image of test.images) {
      const found = images.resolve(image.name);
      if ("problem" in found) {
        issues.error("missing-image", test.at, `${found.problem} (skipped)`, "image");
        break;
      }
      const key = found.name + cropKey(image.crop);
      refs.set(key, { name: found.name, crop: image.crop });
      keys.push(key);
    }
    if (keys.length === test.images.length) resolved.push({ test, keys });
  }

  const dim = embedder.dim;
  const keys = [...refs.keys()];
  const row = new Map<string, number>();
  const failed = new Map<string, string>();
  const imageEmbeds = new Float32Array(keys.length * dim);
  for (let start = 0; start < keys.length; start += batchSize) {
    const batch = keys.slice(start, start + batchSize);
    const bytes = await images.read([...new Set(batch.map((k) => refs.get(k)!.name))]);
    const pictures = [];
    const done: string[] = [];
    for (const key of batch) {
      const { name, crop } = refs.get(key)!;
      const data = bytes.get(name);
      try {
        if (!data) throw new Error("could not be read");
        if (data instanceof Error) throw data;
        const picture = await decode(data, name);
        pictures.push(crop ? cropImage(picture, crop) : picture);
        done.push(key);
      } catch (e) {
        failed.set(
          key,
          `image "${name}"${crop ? " (cropped)" : ""} is unreadable: ${(e as Error).message.split("\n")[0]}`,
        );
      }
    }
    if (pictures.length > 0) {
      const embedded = await embedder.embedImages(pictures);
      done.forEach((key, j) => {
        const index = row.size;
        row.set(key, index);
        imageEmbeds.set(embedded.subarray(j * dim, (j + 1) * dim), index * dim);
      });
    }
    onProgress?.(Math.min(start + batchSize, keys.length), keys.length);
  }

  const kept = resolved.filter(({ test, keys: own }) => {
    const bad = own.find((k) => !row.has(k));
    if (bad !== undefined) issues.error("unreadable-image", test.at, `${failed.get(bad)} (skipped)`, "image");
    return bad === undefined;
  });
  if (kept.length === 0) {
    const first = issues.items[0];
    throw new Error(
      `no ${importer.name} test could be evaluated${first ? `; first problem: ${formatIssue(first)}` : ""}`,
    );
  }
  const textRow = new Map<string, number>();
  for (const { test } of kept) for (const t of test.texts) if (!textRow.has(t)) textRow.set(t, textRow.size);
  const textEmbeds = await embedder.embedTexts([...textRow.keys()]);
  const sims: CaseSims[] = kept.map(({ test, keys: own }) =>
    own.map((key) =>
      test.texts.map((t) => dot(imageEmbeds, row.get(key)!, textEmbeds, textRow.get(t)!, dim)),
    ),
  );
  const scored = importer.score(
    kept.map((k) => k.test),
    sims,
  );
  return {
    format: importer.name,
    n: kept.length,
    ...scored,
    skipped: cases.length - kept.length,
    excluded: parsed.excluded,
    issues: issues.toArray(),
  };
}
