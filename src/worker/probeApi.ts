import { disposeClip, type LoadedClip, similarity } from "../core/clip/index.js";
import type { RgbaImage } from "../core/clip/preprocess.js";
import {
  makeNegatives,
  NEGATIVE_TYPES,
  parseCaption,
  Rng,
  recordAt,
  renderScene,
  type Scene,
  type Split,
} from "../core/data/shapesWorld/index.js";
import { type BenchmarkResult, runBenchmark } from "../core/eval/benchmark.js";
import { shapesBenchmarkExamples } from "../core/eval/shapesHeldout.js";
import { decodeImageBlob } from "./decodeImage.js";
import { logitScaleOf, recordBenchmark, runRecord, snapshotModel } from "./exportApi.js";
import { pngDataUrl } from "./samplesApi.js";
import { requireModel, session } from "./session.js";

/** Where a probe image comes from: a shapes-world scene (split, seed, index) or an uploaded file. */
export type ProbeImageSource =
  | { kind: "shapes"; split: Split; seed: number; index: number }
  | { kind: "upload"; blob: Blob; name: string };

export interface ProbeScores {
  /** Cosine similarity of the image with each text. */
  cosine: number[];
  /** logit_scale.exp() * cosine. */
  logits: number[];
  /** Softmax of the logits over the given texts. */
  probabilities: number[];
  logitScale: number;
}

export interface ProbeComparison {
  texts: string[];
  base: ProbeScores;
  current: ProbeScores;
}

export interface SuggestedNegative {
  type: string;
  text: string;
}

export function softmax(values: number[]): number[] {
  if (values.length === 0) return [];
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** One model's similarities of one image with each text, with the model's own logit scale. */
export async function probeScores(
  model: LoadedClip,
  image: RgbaImage,
  texts: string[],
): Promise<ProbeScores> {
  if (texts.length === 0) throw new Error("type a caption (and negatives) to compare");
  const { cosine, logitsPerImage } = await similarity(model, [image], texts);
  const logits = logitsPerImage[0];
  return { cosine: cosine[0], logits, probabilities: softmax(logits), logitScale: await logitScaleOf(model) };
}

/** Base and current scores side by side (the current model is copied first, so a step cannot interleave). */
export async function compareBaseCurrent(
  base: LoadedClip,
  current: LoadedClip,
  image: RgbaImage,
  texts: string[],
): Promise<ProbeComparison> {
  const frozen = snapshotModel(current);
  try {
    return {
      texts,
      base: await probeScores(base, image, texts),
      current: await probeScores(frozen, image, texts),
    };
  } finally {
    disposeClip(frozen);
  }
}

/**
 * Typed negatives for a caption of the shapes-world grammar (null if it does not parse):
 * the world's own edits (swap, replace, ...). With the scene, only edits false of it are kept.
 */
export function suggestNegativesFor(caption: string, scene?: Scene): SuggestedNegative[] | null {
  const spec = parseCaption(caption.trim().replace(/\s+/g, " "));
  if (!spec) return null;
  const negatives = makeNegatives(spec, scene ?? { objects: [] }, new Rng(1), () => false);
  return NEGATIVE_TYPES.flatMap((type, k) => (negatives.mask[k] ? [{ type, text: negatives.texts[k] }] : []));
}

function requireBase(): LoadedClip {
  requireModel();
  if (!session.baseModel) throw new Error("no base model copy is held (load a model first)");
  return session.baseModel;
}

async function resolveImage(source: ProbeImageSource, imageSize: number): Promise<RgbaImage> {
  if (source.kind === "upload") return decodeImageBlob(source.blob, source.name);
  const { split, seed, index } = source;
  return renderScene(recordAt(split, seed, index).scene, imageSize);
}

export interface BaseCurrentBenchmark {
  data: string;
  n: number;
  seed: number;
  step: number;
  base: BenchmarkResult;
  current: BenchmarkResult;
  /** True when the base numbers came from an earlier run on the same base. */
  baseCached: boolean;
}

/** The base never changes until another model loads: its results are kept per (n, seed). */
let baseCache: { base: LoadedClip; results: Map<string, BenchmarkResult> } | undefined;

export const probeApi = {
  /** A shapes-world scene at the model's image size, with its caption and typed negatives. */
  async probeImage(source: { split: Split; seed: number; index: number }) {
    const model = requireModel();
    const record = recordAt(source.split, source.seed, source.index);
    const image = renderScene(record.scene, model.config.vision_config.image_size);
    return {
      previewUrl: pngDataUrl(image),
      width: image.width,
      caption: record.caption,
      negatives: NEGATIVE_TYPES.flatMap((type, k) =>
        record.negativeMask[k] ? [{ type, text: record.negatives[k] }] : [],
      ),
    };
  },

  /** Base vs current similarities of one image with the texts (caption first). */
  async probeCompare(source: ProbeImageSource, texts: string[]): Promise<ProbeComparison> {
    const current = requireModel();
    const base = requireBase();
    const image = await resolveImage(source, current.config.vision_config.image_size);
    return compareBaseCurrent(base, current, image, texts);
  },

  /** Shapes-world negatives for the caption (checked against the scene when it is one); null if none. */
  async suggestNegatives(
    caption: string,
    scene?: { split: Split; seed: number; index: number },
  ): Promise<SuggestedNegative[] | null> {
    return suggestNegativesFor(caption, scene && recordAt(scene.split, scene.seed, scene.index).scene);
  },

  /** The shapes held-out benchmark for the base and the current model. */
  async benchmarkBaseCurrent(
    request: { n: number; seed?: number },
    onProgress?: (phase: "base" | "current", done: number, total: number) => void,
  ): Promise<BaseCurrentBenchmark> {
    const current = requireModel();
    const base = requireBase();
    const seed = request.seed ?? 0;
    const data = shapesBenchmarkExamples({
      split: "heldout",
      n: request.n,
      seed,
      imageSize: current.config.vision_config.image_size,
    });
    if (baseCache?.base !== base) baseCache = { base, results: new Map() };
    const key = `${request.n}/${seed}`;
    let baseResult = baseCache.results.get(key);
    const baseCached = Boolean(baseResult);
    if (!baseResult) {
      baseResult = await runBenchmark(base, data, { onProgress: (d, t) => void onProgress?.("base", d, t) });
      baseCache.results.set(key, baseResult);
    }
    const step = runRecord.step;
    const frozen = snapshotModel(current);
    let currentResult: BenchmarkResult;
    try {
      currentResult = await runBenchmark(frozen, data, {
        onProgress: (d, t) => void onProgress?.("current", d, t),
      });
    } finally {
      disposeClip(frozen);
    }
    const out = {
      data: "shapes-heldout",
      n: request.n,
      seed,
      step,
      base: baseResult,
      current: currentResult,
    };
    recordBenchmark({ ...out, source: "benchmark panel" });
    return { ...out, baseCached };
  },

  hasBaseModel(): boolean {
    return Boolean(session.baseModel);
  },
};
