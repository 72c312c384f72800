import { disposeClip } from "../core/clip/index.js";
import type { RgbaImage } from "../core/clip/preprocess.js";
import {
  NEGATIVE_TYPES,
  recordAt,
  renderScene,
  type Split,
  sampleAt,
} from "../core/data/shapesWorld/index.js";
import { type BenchmarkData, runBenchmark } from "../core/eval/benchmark.js";
import { encodePng } from "../core/io/png.js";
import { latestThetas, logitScaleOf, runRecord, snapshotModel } from "./exportApi.js";
import { requireModel } from "./session.js";

/** Thumbnails are rendered at this size whatever the model's image size (small data URLs). */
export const THUMBNAIL_SIZE = 64;
const MAX_SAMPLES = 5000;

/** Which samples the panel shows: the first heldoutN held-out scenes and trainN training scenes. */
export interface SamplesRequest {
  heldoutN: number;
  trainN: number;
  /** Held-out stream seed (0: the benchmark's scenes). */
  heldoutSeed?: number;
  /** Training stream seed (default: the current run's seed, so these are scenes it trains on). */
  trainSeed?: number;
}

export type ResolvedSamplesRequest = Required<SamplesRequest>;

export interface SampleRow {
  id: string;
  split: Split;
  seed: number;
  index: number;
  caption: string;
  /** K texts in type order ("" where masked). */
  negatives: string[];
  mask: number[];
  /** PNG data URL. */
  thumbnail: string;
}

export interface SamplesTable {
  request: ResolvedSamplesRequest;
  types: string[];
  rows: SampleRow[];
}

/** One scoring of every row with the current model (aligned with SamplesTable.rows). */
export interface SampleEvaluation {
  /** The worker's run counter (runRecord.run): steps compare only within one run. */
  run: number;
  step: number;
  /** exp(logit_scale) at scoring time: margins are logitScale * (pos - neg). */
  logitScale: number;
  /** theta_k of the last training step when the run is CE-CLIP, else null. */
  thetas: number[] | null;
  positive: number[];
  negatives: (number | null)[][];
}

export function pngDataUrl(image: RgbaImage): string {
  const bytes = encodePng(image);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, Math.min(i + 0x8000, bytes.length)));
  return `data:image/png;base64,${btoa(binary)}`;
}

export function resolveSamplesRequest(request: SamplesRequest): ResolvedSamplesRequest {
  const heldoutN = Math.floor(request.heldoutN);
  const trainN = Math.floor(request.trainN);
  if (!(heldoutN >= 0 && trainN >= 0 && heldoutN + trainN >= 1))
    throw new Error("choose at least one held-out or training sample");
  if (heldoutN + trainN > MAX_SAMPLES) throw new Error(`at most ${MAX_SAMPLES} samples at once`);
  return {
    heldoutN,
    trainN,
    heldoutSeed: request.heldoutSeed ?? 0,
    trainSeed: request.trainSeed ?? runRecord.config?.seed ?? 0,
  };
}

/** (split, seed, index) of row i: held-out rows first, then training rows. */
export function sampleRef(
  request: ResolvedSamplesRequest,
  i: number,
): { split: Split; seed: number; index: number } {
  return i < request.heldoutN
    ? { split: "heldout", seed: request.heldoutSeed, index: i }
    : { split: "train", seed: request.trainSeed, index: i - request.heldoutN };
}

/** The rows as a benchmark data set rendered at the model's image size. */
export function samplesData(request: ResolvedSamplesRequest, imageSize: number): BenchmarkData {
  return {
    size: request.heldoutN + request.trainN,
    negativeTypeNames: [...NEGATIVE_TYPES],
    get(i) {
      const { split, seed, index } = sampleRef(request, i);
      const s = sampleAt(split, seed, index, imageSize);
      return { image: s.image, caption: s.caption, negatives: s.negatives, negativeMask: s.negativeMask };
    },
  };
}

export const samplesApi = {
  /** Captions, negatives and thumbnails of the requested samples (no model needed). */
  async sampleTable(request: SamplesRequest): Promise<SamplesTable> {
    const resolved = resolveSamplesRequest(request);
    const rows = Array.from({ length: resolved.heldoutN + resolved.trainN }, (_, i): SampleRow => {
      const ref = sampleRef(resolved, i);
      const record = recordAt(ref.split, ref.seed, ref.index);
      return {
        ...ref,
        id: record.id,
        caption: record.caption,
        negatives: record.negatives,
        mask: record.negativeMask,
        thumbnail: pngDataUrl(renderScene(record.scene, THUMBNAIL_SIZE)),
      };
    });
    return { request: resolved, types: [...NEGATIVE_TYPES], rows };
  },

  /** Cosine similarities of every row's caption and negatives with the current model. */
  async scoreSamples(
    request: ResolvedSamplesRequest,
    onProgress?: (done: number, total: number) => void,
  ): Promise<SampleEvaluation> {
    const model = requireModel();
    const { step, run } = runRecord;
    const thetas = latestThetas(NEGATIVE_TYPES.length);
    const frozen = snapshotModel(model);
    try {
      const logitScale = await logitScaleOf(frozen);
      const result = await runBenchmark(frozen, samplesData(request, model.config.vision_config.image_size), {
        keepPerSample: true,
        onProgress: (d, t) => void onProgress?.(d, t),
      });
      const perSample = result.perSample!;
      return { run, step, logitScale, thetas, positive: perSample.positive, negatives: perSample.negatives };
    } finally {
      disposeClip(frozen);
    }
  },
};
