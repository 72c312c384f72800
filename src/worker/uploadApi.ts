/**
 * The uploaded dataset in the worker: reads the dropped files, parses them with the core
 * (src/core/data/uploads), stores each image scaled down as PNG and the items as one JSON
 * manifest (OPFS, else IndexedDB) so a reload keeps the dataset, applies per-sample
 * negative edits, and hands the training loop an ExampleSource at the model's image size.
 */
import type { RgbaImage } from "../core/clip/preprocess.js";
import { parseUpload, uploadExampleSource } from "../core/data/uploads/index.js";
import type { ExampleSource } from "../core/train/batches.js";
import { applyNegativeEdit, type NegativeEdit, type UploadDataset } from "./uploadEdits.js";
import { decodeScaled, encodePng, STORED_SHORT_SIDE } from "./uploadImages.js";
import { deleteUploadFiles, readUploadFile, writeUploadFile } from "./uploadStorage.js";

export type { NegativeEdit, UploadDataset } from "./uploadEdits.js";

const MANIFEST = "dataset.json";

export type UploadStage = "reading" | "images" | "negatives" | "saving" | "loading images";

export interface UploadProgress {
  stage: UploadStage;
  done: number;
  total: number;
}

/** One file from the page: its path inside the upload and its contents (a File is a Blob). */
export interface UploadRequestFile {
  name: string;
  file: Blob;
}

let dataset: UploadDataset | undefined;
let loaded = false;
/** Decoded images at one size, for training (kept while the dataset is unchanged). */
let trainingImages: { dataset: UploadDataset; maxShort: number; images: Map<string, RgbaImage> } | undefined;

async function saveManifest(d: UploadDataset): Promise<void> {
  await writeUploadFile(MANIFEST, new TextEncoder().encode(JSON.stringify(d)));
}

async function currentDataset(): Promise<UploadDataset | undefined> {
  if (!loaded) {
    loaded = true;
    const bytes = await readUploadFile(MANIFEST);
    if (bytes) {
      try {
        const parsed = JSON.parse(new TextDecoder().decode(bytes)) as UploadDataset;
        if (parsed.version === 1 && Array.isArray(parsed.items)) dataset = parsed;
      } catch {
        // An unreadable manifest is treated as no dataset; the next upload replaces it.
      }
    }
  }
  return dataset;
}

function describeUpload(files: readonly UploadRequestFile[]): string {
  const tops = new Set(files.map((f) => f.name.split("/")[0]));
  return tops.size === 1 ? [...tops][0] : `${files.length} files`;
}

export const uploadApi = {
  /** Parses, checks and stores an upload; it replaces the previous dataset when it has items. */
  async importUpload(
    files: UploadRequestFile[],
    options: { seed?: number; generate?: boolean } = {},
    onProgress?: (p: UploadProgress) => void,
  ): Promise<UploadDataset> {
    const bytes = [];
    for (const [k, f] of files.entries()) {
      bytes.push({ name: f.name, bytes: new Uint8Array(await f.file.arrayBuffer()) });
      onProgress?.({ stage: "reading", done: k + 1, total: files.length });
    }
    const id = `d${Date.now().toString(36)}-`;
    const images: Record<string, string> = {};
    let stored = 0;
    const negatives = { generate: options.generate ?? true, seed: options.seed ?? 0 };
    const result = await parseUpload(bytes, {
      decodeImage: (data, name) => decodeScaled(data, name, STORED_SHORT_SIDE),
      onImage: async (name, image) => {
        // Numbered before any await: parseUpload decodes 4 images at a time.
        const file = `${id}${stored++}.png`;
        await writeUploadFile(file, await encodePng(image));
        images[name] = file;
      },
      negatives,
      onProgress: (stage, done, total) => onProgress?.({ stage, done, total }),
    });
    const next: UploadDataset = {
      version: 1,
      id,
      name: describeUpload(files),
      createdAt: Date.now(),
      negatives,
      ...result,
      images,
    };
    const previous = await currentDataset();
    if (result.items.length === 0) {
      // Nothing usable: keep the old dataset, drop this one's images, report why.
      await deleteUploadFiles(id);
      return next;
    }
    onProgress?.({ stage: "saving", done: 0, total: 1 });
    await saveManifest(next);
    dataset = next;
    if (previous) await deleteUploadFiles(previous.id);
    onProgress?.({ stage: "saving", done: 1, total: 1 });
    return next;
  },

  /** The stored dataset (after a reload too), or null. */
  async uploadedDataset(): Promise<UploadDataset | null> {
    return (await currentDataset()) ?? null;
  },

  /** Stored PNGs of images by name, for the preview grid. */
  async uploadThumbnails(names: string[]): Promise<Record<string, Blob>> {
    const d = await currentDataset();
    const out: Record<string, Blob> = {};
    for (const name of names) {
      const file = d?.images[name];
      const bytes = file ? await readUploadFile(file) : undefined;
      if (bytes) out[name] = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "image/png" });
    }
    return out;
  },

  /** Edits one item's negatives; returns the new items and slot names. */
  async editUploadNegatives(
    itemId: string,
    edit: NegativeEdit,
  ): Promise<Pick<UploadDataset, "items" | "negativeTypeNames">> {
    const d = await currentDataset();
    if (!d) throw new Error("no uploaded dataset");
    const next = { ...d, ...applyNegativeEdit(d, itemId, edit) };
    await saveManifest(next);
    dataset = next;
    return { items: next.items, negativeTypeNames: next.negativeTypeNames };
  },

  async clearUpload(): Promise<void> {
    const d = await currentDataset();
    dataset = undefined;
    trainingImages = undefined;
    if (d) await deleteUploadFiles(d.id);
    await deleteUploadFiles(MANIFEST);
  },
};

/**
 * The uploaded dataset as training examples, images decoded once with the shorter side at
 * most `imageSize` (the trainer's preprocessing resizes and centre-crops them).
 */
export async function uploadTrainingSource(
  imageSize: number,
  onProgress?: (p: UploadProgress) => void,
): Promise<ExampleSource> {
  const d = await currentDataset();
  if (!d || d.items.length === 0)
    throw new Error("no uploaded dataset: upload image-caption pairs in the Data tab");
  if (trainingImages?.dataset.id !== d.id || trainingImages.maxShort !== imageSize) {
    const names = [...new Set(d.items.map((item) => item.image))];
    const images = new Map<string, RgbaImage>();
    for (const [k, name] of names.entries()) {
      const bytes = await readUploadFile(d.images[name] ?? "");
      if (!bytes) throw new Error(`the stored image of "${name}" is missing: upload the dataset again`);
      images.set(name, await decodeScaled(bytes, name, imageSize));
      onProgress?.({ stage: "loading images", done: k + 1, total: names.length });
    }
    trainingImages = { dataset: d, maxShort: imageSize, images };
  }
  const { images } = trainingImages;
  return uploadExampleSource(d, (name) => images.get(name)!);
}
