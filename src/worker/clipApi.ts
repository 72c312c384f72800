import * as tf from "@tensorflow/tfjs";
import { type ClipSource, disposeClip, loadClip, similarity } from "../core/clip/index.js";
import { fusedKernelsActive } from "../core/clip/kernels/index.js";
import { clipLogits, encodeImagePixels, encodeTextTokens } from "../core/clip/model.js";
import type { RgbaImage } from "../core/clip/preprocess.js";
import { NEGATIVE_TYPES } from "../core/data/shapesWorld/negatives.js";
import { DEFAULT_HUB_BASE, downloadHubModel, type HubProgress } from "../core/io/hub.js";
import { getObjective } from "../core/losses/registry.js";
import { parseTrainConfig, type TrainConfig } from "../core/train/config.js";
import { type MemoryLimits, type MemoryPlan, planMemory } from "../core/train/memoryPlanner.js";
import { type BackendName, type BackendReport, chooseBackend } from "./backend.js";
import { decodeImageBlob } from "./decodeImage.js";
import { modelFilesFromZip } from "./exportApi.js";
import { clearHubCache, openHubCache } from "./hubCache.js";
import { type MeasuredMemory, measuredMemory, memoryLimits } from "./memoryInfo.js";
import { type ModelSummary, modelSummary, requireModel, session } from "./session.js";

export type { ModelSummary };

export type ModelSource =
  | { files: Record<string, Uint8Array> }
  | { url: string }
  | { zip: Uint8Array }
  | { hub: { id: string; base?: string } };

export interface LoadedSummary extends ModelSummary {
  /** Hub loads: every file came from the browser's cache. */
  fromCache?: boolean;
  /** Hub loads: problems that did not stop the load (a full cache). */
  sourceWarnings?: string[];
}

/** Progress events at most every 100 ms (a comlink message each), and always the last one. */
function throttled(report?: (progress: HubProgress) => void): ((progress: HubProgress) => void) | undefined {
  if (!report) return undefined;
  let last = 0;
  return (progress) => {
    const now = performance.now();
    const done = progress.totalKnown && progress.loaded >= progress.total;
    if (done || now - last >= 100) {
      last = now;
      void report(progress);
    }
  };
}

async function modelFiles(
  source: ModelSource,
  onProgress?: (progress: HubProgress) => void,
): Promise<{ files: ClipSource; fromCache?: boolean; warnings?: string[] }> {
  if ("files" in source) return { files: new Map(Object.entries(source.files)) };
  if ("zip" in source) return { files: modelFilesFromZip(source.zip) };
  if ("url" in source) return { files: { baseUrl: source.url } };
  const download = await downloadHubModel({
    id: source.hub.id,
    base: source.hub.base || DEFAULT_HUB_BASE,
    fetch: globalThis.fetch.bind(globalThis),
    cache: await openHubCache(),
    onProgress: throttled(onProgress),
  });
  return { files: download.files, fromCache: download.fromCache, warnings: download.warnings };
}

/** Embedding and similarity requests, answered off the main thread. */
export const clipApi = {
  /** `options.wasmThreads`: wasm's threaded build with that many threads (see chooseBackend). */
  async init(order?: BackendName[], options?: { wasmThreads?: number }): Promise<BackendReport> {
    session.backend = await chooseBackend(order, options);
    return session.backend;
  },

  /**
   * Loads a model as the current one: files of a folder, a zip of one, a folder URL, or a hub
   * id (`{base}/{id}/resolve/main/...`, cached in Cache Storage; `onProgress` gets bytes).
   */
  async loadModel(source: ModelSource, onProgress?: (progress: HubProgress) => void): Promise<LoadedSummary> {
    if (!session.backend) await clipApi.init();
    const { files, fromCache, warnings } = await modelFiles(source, onProgress);
    const next = await loadClip(files, { trainable: true });
    if (session.model) disposeClip(session.model);
    session.model = next;
    return { ...modelSummary(next), fromCache, sourceWarnings: warnings };
  },

  async clearHubCache(): Promise<boolean> {
    return clearHubCache();
  },

  /**
   * The memory plan of a run configuration on the current model, backend and limits, with
   * tf.memory() now. `deviceMemory` (bytes) overrides the backend's default.
   */
  async memoryPlan(
    runConfig: Partial<TrainConfig>,
    options: { deviceMemory?: number; safeFraction?: number } = {},
  ): Promise<{
    plan: MemoryPlan;
    measured: MeasuredMemory;
    limits: MemoryLimits & { deviceMemorySource: string };
  }> {
    const model = requireModel();
    const config = parseTrainConfig(runConfig);
    const objective = getObjective(config.objective);
    const limits = { ...memoryLimits(options.deviceMemory), safeFraction: options.safeFraction };
    const plan = planMemory(
      {
        model: model.config,
        batchSize: config.batchSize,
        freeze: config.freeze,
        lora: config.lora,
        // The built-in world's hard negatives: one of each type per caption.
        textsPerImage: objective.usesHardNegatives ? 1 + NEGATIVE_TYPES.length : 1,
        imagesPerPair: objective.needs?.imageNegatives ? 2 : 1,
        teacher: Boolean(objective.needs?.teacher),
        tokens: Boolean(objective.needs?.tokens),
        fusedOptimizer: fusedKernelsActive(),
      },
      limits,
    );
    return { plan, measured: measuredMemory(), limits };
  },

  async decodeImage(blob: Blob, name?: string): Promise<RgbaImage> {
    return decodeImageBlob(blob, name);
  },

  async similarity(images: (RgbaImage | Blob)[], texts: string[]) {
    const m = requireModel();
    const decoded = await Promise.all(
      images.map((img, i) => (img instanceof Blob ? decodeImageBlob(img, `image ${i + 1}`) : img)),
    );
    return { ...(await similarity(m, decoded, texts)), inputIds: texts.map((t) => m.tokenizer.tokenize(t)) };
  },

  /** Features and logits from already-tokenised ids and preprocessed pixels (parity checks). */
  async forwardRaw(inputIds: number[][], pixelValues: number[][][][]) {
    const m = requireModel();
    const [text, image, logits] = tf.tidy(() => {
      const tokens = {
        ids: Int32Array.from(inputIds.flat()),
        batch: inputIds.length,
        length: inputIds[0].length,
      };
      const txt = encodeTextTokens(m.params, m.config, tokens).features;
      const img = encodeImagePixels(m.params, m.config, tf.tensor4d(pixelValues)).features;
      return [txt, img, clipLogits(m.params, img, txt)];
    });
    const out = {
      textFeatures: (await text.array()) as number[][],
      imageFeatures: (await image.array()) as number[][],
      logitsPerImage: (await logits.array()) as number[][],
    };
    tf.dispose([text, image, logits]);
    return out;
  },

  backend(): BackendReport | undefined {
    return session.backend;
  },
};
