/**
 * Imported benchmarks in the worker (SugarCrepe, ARO, VALSE, VL-CheckList, Winoground): the
 * page sends the annotation file(s) and the images (a folder's files or one zip) as Blobs;
 * images are read lazily, batch by batch, decoded by the browser and scored by the
 * benchmark's own rule (src/core/eval/importers) for the base and the current model.
 */
import { disposeClip } from "../core/clip/index.js";
import { basename, extension, NameIndex } from "../core/data/uploads/paths.js";
import {
  clipEmbedder,
  findImporter,
  type ImageFiles,
  type ImportedRunResult,
  imageFilesFromZip,
  type ParsedBenchmark,
  runImportedBenchmark,
} from "../core/eval/importers/index.js";
import { decodeImageBlob } from "./decodeImage.js";
import { runRecord, snapshotModel } from "./exportApi.js";
import { requireModel, session } from "./session.js";
import type { UploadRequestFile } from "./uploadApi.js";

export interface ImportedBenchmarkRequest {
  format: string;
  annotations: UploadRequestFile[];
  /** A folder's image files, or one .zip holding them. */
  images: UploadRequestFile[];
  /** Evaluate only the first `limit` tests of each model. */
  limit?: number;
}

export interface ImportedBaseCurrent {
  format: string;
  files: string[];
  /** Training step of the current model. */
  step: number;
  base: ImportedRunResult;
  current: ImportedRunResult;
}

/** Images from Blobs: names resolved up front, bytes read only for each batch. */
export function imageFilesFromBlobs(files: readonly UploadRequestFile[]): ImageFiles {
  const byName = new Map(files.map((f) => [f.name, f.file]));
  const index = new NameIndex(byName.keys(), "the images");
  return {
    resolve: (reference) => index.resolve(reference),
    read: async (names) => {
      const out = new Map<string, Uint8Array | Error>();
      for (const name of names) {
        const blob = byName.get(name);
        if (!blob) continue;
        try {
          out.set(name, new Uint8Array(await blob.arrayBuffer()));
        } catch (e) {
          out.set(name, e instanceof Error ? e : new Error(String(e)));
        }
      }
      return out;
    },
  };
}

/** The subset name of a file: its name without folder and extension ("swap_obj"). */
export function subsetOf(fileName: string): string {
  const base = basename(fileName);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

async function parseAll(format: string, annotations: readonly UploadRequestFile[]): Promise<ParsedBenchmark> {
  const importer = findImporter(format);
  if (!importer) throw new Error(`unknown benchmark format "${format}"`);
  if (annotations.length === 0) throw new Error("choose the benchmark's annotation file(s)");
  const merged: ParsedBenchmark = { cases: [], issues: [], excluded: 0 };
  for (const file of annotations) {
    const bytes = new Uint8Array(await file.file.arrayBuffer());
    const parsed = importer.parse({ name: basename(file.name), bytes }, { subset: subsetOf(file.name) });
    merged.cases.push(...parsed.cases);
    merged.issues.push(...parsed.issues);
    merged.excluded += parsed.excluded;
  }
  return merged;
}

async function imageSource(images: readonly UploadRequestFile[]): Promise<ImageFiles> {
  if (images.length === 0) throw new Error("choose the benchmark's images (a folder or a zip)");
  if (images.length === 1 && extension(images[0].name) === "zip")
    return imageFilesFromZip(new Uint8Array(await images[0].file.arrayBuffer()));
  return imageFilesFromBlobs(images);
}

const decode = (bytes: Uint8Array, name: string) =>
  decodeImageBlob(new Blob([bytes as Uint8Array<ArrayBuffer>]), name);

export const benchmarkImportApi = {
  /** Runs an imported benchmark on the base model, then on a snapshot of the current one. */
  async runImportedBaseCurrent(
    request: ImportedBenchmarkRequest,
    onProgress?: (phase: "base" | "current", done: number, total: number) => void,
  ): Promise<ImportedBaseCurrent> {
    const current = requireModel();
    const base = session.baseModel;
    if (!base) throw new Error("no base model copy is held (load a model first)");
    const importer = findImporter(request.format)!;
    const parsed = await parseAll(request.format, request.annotations);
    const images = await imageSource(request.images);
    const options = (phase: "base" | "current") => ({
      limit: request.limit,
      onProgress: (done: number, total: number) => onProgress?.(phase, done, total),
    });
    const baseResult = await runImportedBenchmark(
      clipEmbedder(base),
      importer,
      parsed,
      images,
      decode,
      options("base"),
    );
    const step = runRecord.step;
    // A snapshot, so a run training meanwhile cannot change the weights mid-benchmark.
    const frozen = snapshotModel(current);
    try {
      const currentResult = await runImportedBenchmark(
        clipEmbedder(frozen),
        importer,
        parsed,
        images,
        decode,
        options("current"),
      );
      return {
        format: request.format,
        files: request.annotations.map((f) => f.name),
        step,
        base: baseResult,
        current: currentResult,
      };
    } finally {
      disposeClip(frozen);
    }
  },
};
