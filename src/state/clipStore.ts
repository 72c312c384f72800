import * as Comlink from "comlink";
import { create } from "zustand";
import { DEFAULT_HUB_BASE, type HubProgress, parseHubId } from "../core/io/hub.js";
import type { BackendReport } from "../worker/backend.js";
import { labWorker } from "../worker/client.js";
import type { ModelSummary } from "../worker/clipApi.js";
import { setModelReload } from "./modelReload.js";

export const BUNDLED_MODEL_URL = `${import.meta.env.BASE_URL}models/hf-tiny-clip`;

export interface SimilarityRow {
  text: string;
  cosine: number;
  logit: number;
  probability: number;
  inputIds: number[];
}

/** A hub download in progress (or just finished): bytes so far and in all. */
export interface HubDownloadState extends HubProgress {
  id: string;
}

interface ClipState {
  backend?: BackendReport;
  model?: ModelSummary & { name: string };
  busy?: string;
  error?: string;
  /** A note on the last load (e.g. "read from the browser's cache"). */
  notice?: string;
  rows: SimilarityRow[];
  /** Where hub ids are resolved: `{hubBase}/{id}/resolve/main/{file}`. */
  hubBase: string;
  download?: HubDownloadState;
  initBackend(): Promise<void>;
  loadBundledModel(): Promise<void>;
  loadModelFiles(files: File[]): Promise<void>;
  loadModelZip(file: File): Promise<void>;
  setHubBase(base: string): void;
  loadHubModel(id: string): Promise<void>;
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
  set({ busy: label, error: undefined, notice: undefined });
  try {
    await action();
  } catch (e) {
    set({ error: e instanceof Error ? e.message : String(e) });
  } finally {
    set({ busy: undefined });
  }
}

const HUB_BASE_KEY = "hardneg-lab.hubBase";

function storedHubBase(): string {
  try {
    return globalThis.localStorage?.getItem(HUB_BASE_KEY) || DEFAULT_HUB_BASE;
  } catch {
    return DEFAULT_HUB_BASE;
  }
}

export const useClipStore = create<ClipState>((set, get) => ({
  rows: [],
  hubBase: storedHubBase(),
  initBackend: () =>
    guarded(set, "Starting the compute backend…", async () => {
      set({ backend: await labWorker().init() });
    }),
  loadBundledModel: () =>
    guarded(set, "Loading the bundled model…", async () => {
      const summary = await labWorker().loadModel({ url: BUNDLED_MODEL_URL });
      set({ model: { ...summary, name: "hf-tiny-clip (fixture)" }, rows: [] });
      setModelReload(() => get().loadBundledModel());
    }),
  loadModelFiles: (files) =>
    guarded(set, "Loading the model folder…", async () => {
      const entries: Record<string, Uint8Array> = {};
      for (const file of files) entries[file.name] = new Uint8Array(await file.arrayBuffer());
      const summary = await labWorker().loadModel({ files: entries });
      const folder = files[0]?.webkitRelativePath.split("/")[0] || "uploaded model";
      set({ model: { ...summary, name: folder }, rows: [] });
      setModelReload(() => get().loadModelFiles(files));
    }),
  loadModelZip: (file) =>
    guarded(set, `Loading ${file.name}…`, async () => {
      const zip = new Uint8Array(await file.arrayBuffer());
      const summary = await labWorker().loadModel(Comlink.transfer({ zip }, [zip.buffer]));
      set({ model: { ...summary, name: file.name.replace(/\.zip$/i, "") }, rows: [] });
      setModelReload(() => get().loadModelZip(file));
    }),
  setHubBase: (base) => {
    set({ hubBase: base });
    try {
      globalThis.localStorage?.setItem(HUB_BASE_KEY, base);
    } catch {
      // private mode: the address just is not remembered
    }
  },
  loadHubModel: (text) =>
    guarded(set, `Loading ${text.trim()} from the hub…`, async () => {
      const { id, revision } = parseHubId(text);
      const hubId = revision === "main" ? id : `${id}@${revision}`;
      set({ download: { id: hubId, file: "", loaded: 0, total: 0, totalKnown: false, fromCache: false } });
      const onProgress = Comlink.proxy((p: HubProgress) => set({ download: { ...p, id: hubId } }));
      const summary = await labWorker().loadModel({ hub: { id: hubId, base: get().hubBase } }, onProgress);
      const notes = [
        summary.fromCache ? "Read from the browser's cache: nothing was downloaded." : "",
        ...(summary.sourceWarnings ?? []),
      ].filter(Boolean);
      set({ model: { ...summary, name: hubId }, rows: [], notice: notes.join(" ") || undefined });
      setModelReload(() => get().loadHubModel(text));
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
