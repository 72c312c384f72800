import { create } from "zustand";
import type { BackendReport } from "../worker/backend.js";
import { labWorker } from "../worker/client.js";
import type { ModelSummary } from "../worker/clipApi.js";

export const BUNDLED_MODEL_URL = `${import.meta.env.BASE_URL}models/hf-tiny-clip`;

export interface SimilarityRow {
  text: string;
  cosine: number;
  logit: number;
  probability: number;
  inputIds: number[];
}

interface ClipState {
  backend?: BackendReport;
  model?: ModelSummary & { name: string };
  busy?: string;
  error?: string;
  rows: SimilarityRow[];
  initBackend(): Promise<void>;
  loadBundledModel(): Promise<void>;
  loadModelFiles(files: File[]): Promise<void>;
  computeSimilarity(image: Blob, texts: string[]): Promise<void>;
}

function softmax(values: number[]): number[] {
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Runs an async action with a busy label, turning failures into a visible message. */
async function guarded(set: (s: Partial<ClipState>) => void, label: string, action: () => Promise<void>) {
  set({ busy: label, error: undefined });
  try {
    await action();
  } catch (e) {
    set({ error: e instanceof Error ? e.message : String(e) });
  } finally {
    set({ busy: undefined });
  }
}

export const useClipStore = create<ClipState>((set) => ({
  rows: [],
  initBackend: () =>
    guarded(set, "Starting the compute backend…", async () => {
      set({ backend: await labWorker().init() });
    }),
  loadBundledModel: () =>
    guarded(set, "Loading the bundled model…", async () => {
      const summary = await labWorker().loadModel({ url: BUNDLED_MODEL_URL });
      set({ model: { ...summary, name: "hf-tiny-clip (fixture)" }, rows: [] });
    }),
  loadModelFiles: (files) =>
    guarded(set, "Loading the model folder…", async () => {
      const entries: Record<string, Uint8Array> = {};
      for (const file of files) entries[file.name] = new Uint8Array(await file.arrayBuffer());
      const summary = await labWorker().loadModel({ files: entries });
      const folder = files[0]?.webkitRelativePath.split("/")[0] || "uploaded model";
      set({ model: { ...summary, name: folder }, rows: [] });
    }),
  computeSimilarity: (image, texts) =>
    guarded(set, "Computing similarities…", async () => {
      const result = await labWorker().similarity([image], texts);
      const probabilities = softmax(result.logitsPerImage[0]);
      set({
        rows: texts.map((text, j) => ({
          text,
          cosine: result.cosine[0][j],
          logit: result.logitsPerImage[0][j],
          probability: probabilities[j],
          inputIds: result.inputIds[j],
        })),
      });
    }),
}));
