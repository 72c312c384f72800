import * as tf from "@tensorflow/tfjs";
import { encodeImages, encodeText, type LoadedClip } from "../clip/index.js";
import { l2Normalize } from "../clip/ops.js";
import type { ExampleSource } from "../train/batches.js";
import { dot, type RetrievalScores, scoreGroupedRetrieval, typeAccuracy } from "./scoring.js";

/** Any data set with typed negatives: what the benchmark reads of an ExampleSource. */
export type BenchmarkData = Pick<ExampleSource, "size" | "negativeTypeNames" | "get">;

export interface BenchmarkOptions {
  /** Examples encoded per forward pass (default 64). */
  batchSize?: number;
  /** Retrieval candidates per group (default 100). */
  candidates?: number;
  /** Keep every example's cosine similarities in the result. */
  keepPerSample?: boolean;
  /** Called after each batch with examples done so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface PerSampleScores {
  /** cos(image i, caption i). */
  positive: number[];
  /** cos(image i, negative k of i), null where type k is masked. */
  negatives: (number | null)[][];
}

export interface BenchmarkResult extends RetrievalScores {
  n: number;
  /** Retrieval candidates per group actually used (n when n < the requested number). */
  candidates: number;
  perType: Record<string, number | null>;
  perTypeCount: Record<string, number>;
  perSample?: PerSampleScores;
}

/** l2-normalised embeddings ([rows, dim]) read back as one flat array. */
export async function embed(encode: () => tf.Tensor2D, dim: number): Promise<Float32Array> {
  const normalised = tf.tidy(() => l2Normalize(encode()));
  const width = normalised.shape[1];
  const data = (await normalised.data()) as Float32Array;
  normalised.dispose();
  if (width !== dim)
    throw new Error(`embeddings have ${width} dimensions, config.projection_dim says ${dim}`);
  return data;
}

/** Texts in chunks of at most `batchSize` so long negative lists never make one huge batch. */
export async function embedTexts(
  model: LoadedClip,
  texts: string[],
  batchSize: number,
): Promise<Float32Array> {
  const dim = model.config.projection_dim;
  const out = new Float32Array(texts.length * dim);
  for (let start = 0; start < texts.length; start += batchSize) {
    const chunk = texts.slice(start, start + batchSize);
    out.set(await embed(() => encodeText(model, chunk), dim), start * dim);
  }
  return out;
}

/**
 * Compositional benchmark of a loaded CLIP on a data set with typed negatives: per-type
 * accuracy (caption beats its negative of that type) and retrieval over groups of candidates.
 */
export async function runBenchmark(
  model: LoadedClip,
  data: BenchmarkData,
  options: BenchmarkOptions = {},
): Promise<BenchmarkResult> {
  const { batchSize = 64, candidates = 100, keepPerSample = false, onProgress } = options;
  const n = data.size;
  if (n < 1) throw new Error("the benchmark needs at least one example");
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error("batchSize must be a positive integer");
  const dim = model.config.projection_dim;
  const typeNames = data.negativeTypeNames;
  const imageEmbeds = new Float32Array(n * dim);
  const captionEmbeds = new Float32Array(n * dim);
  const positive: number[] = [];
  const negatives: (number | null)[][] = [];
  for (let start = 0; start < n; start += batchSize) {
    // Each example is read once: sources such as the shapes world render on demand.
    const examples = Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => data.get(start + i));
    const pictures = examples.map((e) => e.image);
    const images = await embed(() => encodeImages(model, pictures), dim);
    const captions = await embedTexts(
      model,
      examples.map((e) => e.caption),
      batchSize,
    );
    imageEmbeds.set(images, start * dim);
    captionEmbeds.set(captions, start * dim);
    // Only valid negatives are encoded; `slots` maps them back to (example, type).
    const slots: [number, number][] = [];
    const texts: string[] = [];
    examples.forEach((e, i) => {
      typeNames.forEach((_, k) => {
        if (e.negativeMask[k] === 1) {
          slots.push([i, k]);
          texts.push(e.negatives[k]);
        }
      });
    });
    const negativeEmbeds = await embedTexts(model, texts, batchSize);
    const rows = examples.map((_, i) => {
      positive.push(dot(images, i, captions, i, dim));
      return typeNames.map((): number | null => null);
    });
    slots.forEach(([i, k], s) => {
      rows[i][k] = dot(images, i, negativeEmbeds, s, dim);
    });
    negatives.push(...rows);
    onProgress?.(start + examples.length, n);
  }
  const retrieval = scoreGroupedRetrieval(imageEmbeds, captionEmbeds, dim, candidates);
  const accuracy = typeAccuracy(positive, negatives, typeNames);
  return {
    n,
    candidates: retrieval.candidates,
    perType: accuracy.perType,
    perTypeCount: accuracy.perTypeCount,
    r1_i2t: retrieval.r1_i2t,
    r5_i2t: retrieval.r5_i2t,
    r1_t2i: retrieval.r1_t2i,
    r5_t2i: retrieval.r5_t2i,
    ...(keepPerSample ? { perSample: { positive, negatives } } : {}),
  };
}
