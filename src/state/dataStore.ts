import * as Comlink from "comlink";
import { create } from "zustand";
import type { DataIssue } from "../core/data/uploads/issues.js";
import { labWorker } from "../worker/client.js";
import type { NegativeEdit, UploadDataset, UploadProgress, UploadRequestFile } from "../worker/uploadApi.js";

export type { NegativeEdit, UploadDataset, UploadProgress } from "../worker/uploadApi.js";

/** What the progress bar says: "Decoding images: 12 / 40". */
export function progressLabel(p: UploadProgress): string {
  const stage: Record<UploadProgress["stage"], string> = {
    reading: "Reading files",
    images: "Decoding images",
    negatives: "Generating negatives",
    saving: "Saving the dataset",
    "loading images": "Loading images",
  };
  return `${stage[p.stage]}: ${p.done} / ${p.total}`;
}

/** Errors first, then warnings; counts per kind for the report's summary line. */
export function issueSummary(issues: readonly DataIssue[]): {
  errors: number;
  warnings: number;
  text: string;
} {
  const errors = issues.filter((i) => i.severity === "error").length;
  const warnings = issues.length - errors;
  const kinds = new Map<string, number>();
  for (const i of issues) kinds.set(i.kind, (kinds.get(i.kind) ?? 0) + 1);
  const text = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(", ");
  return { errors, warnings, text };
}

interface DataState {
  /** The stored dataset; null when there is none, undefined until the worker answered. */
  dataset?: UploadDataset | null;
  /** The last upload when it had no usable pair (so it was not stored): its report. */
  rejected?: UploadDataset;
  busy: boolean;
  progress?: UploadProgress;
  error?: string;
  generate: boolean;
  seed: number;
  /** Object URLs of stored images, by image name. */
  thumbnails: Record<string, string>;
  setNegativeOptions(options: { generate?: boolean; seed?: number }): void;
  hydrate(): Promise<void>;
  upload(files: UploadRequestFile[]): Promise<void>;
  edit(itemId: string, edit: NegativeEdit): Promise<void>;
  clear(): Promise<void>;
  loadThumbnails(names: string[]): Promise<void>;
}

const pendingThumbnails = new Set<string>();

function revokeAll(urls: Record<string, string>) {
  for (const url of Object.values(urls)) URL.revokeObjectURL(url);
  pendingThumbnails.clear();
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const useDataStore = create<DataState>((set, get) => ({
  busy: false,
  generate: true,
  seed: 0,
  thumbnails: {},
  setNegativeOptions: (options) => set(options),
  hydrate: async () => {
    if (get().dataset !== undefined) return;
    try {
      set({ dataset: await labWorker().uploadedDataset() });
    } catch (e) {
      set({ dataset: null, error: `the stored dataset could not be read: ${message(e)}` });
    }
  },
  upload: async (files) => {
    if (get().busy || files.length === 0) return;
    set({
      busy: true,
      error: undefined,
      rejected: undefined,
      progress: { stage: "reading", done: 0, total: files.length },
    });
    try {
      const onProgress = (progress: UploadProgress) => set({ progress });
      const { generate, seed } = get();
      const result = await labWorker().importUpload(files, { generate, seed }, Comlink.proxy(onProgress));
      if (result.items.length === 0) set({ rejected: result });
      else {
        revokeAll(get().thumbnails);
        set({ dataset: result, thumbnails: {} });
      }
    } catch (e) {
      set({ error: message(e) });
    } finally {
      set({ busy: false, progress: undefined });
    }
  },
  edit: async (itemId, edit) => {
    try {
      const next = await labWorker().editUploadNegatives(itemId, edit);
      const dataset = get().dataset;
      if (dataset) set({ dataset: { ...dataset, ...next }, error: undefined });
    } catch (e) {
      set({ error: message(e) });
    }
  },
  clear: async () => {
    try {
      await labWorker().clearUpload();
      revokeAll(get().thumbnails);
      set({ dataset: null, rejected: undefined, thumbnails: {} });
    } catch (e) {
      set({ error: message(e) });
    }
  },
  loadThumbnails: async (names) => {
    const have = get().thumbnails;
    const wanted = names.filter((n) => !have[n] && !pendingThumbnails.has(n));
    if (wanted.length === 0) return;
    for (const n of wanted) pendingThumbnails.add(n);
    const id = get().dataset?.id;
    const blobs = await labWorker().uploadThumbnails(wanted);
    if (get().dataset?.id !== id) return;
    const urls: Record<string, string> = {};
    for (const [name, blob] of Object.entries(blobs)) urls[name] = URL.createObjectURL(blob);
    set((s) => ({ thumbnails: { ...s.thumbnails, ...urls } }));
  },
}));
