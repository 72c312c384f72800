import * as tf from "@tensorflow/tfjs";
import type { ClipConfig } from "../clip/config.js";
import { LAB_PARAMETER_PREFIX } from "../clip/index.js";
import { type ClipParams, encodeVisionTokens, type TokenBatch } from "../clip/model.js";
import { createRng, deriveSeed } from "../clip/random.js";
import type { ClipTokenizer } from "../clip/tokenizer.js";
import type { ImageNegativeSettings } from "../losses/objective.js";
import { l2Normalize } from "../losses/shared.js";
import { type ExampleSource, evenlySpacedIndices } from "./batches.js";
import { contentWordCounts, wordTokenIds } from "./contentWords.js";
import { buildVisualDictionary } from "./visualDictionary.js";

/**
 * Negative images for image-side hard negatives (after NAS, docs/methods.md): in each image,
 * r of the patch tokens entering the first vision layer are replaced by a prototype of the
 * visual dictionary other than their nearest one, and the rest of the vision tower runs on
 * the edited sequence. Which patches: the ones most similar (in the joint space) to the
 * caption's content words, or random ones. The choice is a constant of the step: no gradient
 * flows through the selection, only through the tokens that stay and the tower.
 */

/** The dictionary's place in the params map: checkpointed, never exported, never trained. */
export const VISUAL_DICTIONARY_PARAM = `${LAB_PARAMETER_PREFIX}visual_dictionary`;

/** Patches replaced per image: round(share * P), at least 1 and at most P. */
export function replacedPatchCount(share: number, patches: number): number {
  return Math.min(patches, Math.max(1, Math.round(share * patches)));
}

type CustomGradientFunc<T extends tf.Tensor> = Parameters<typeof tf.customGrad<T>>[0];

/**
 * `compute(inputs)` as a constant of the graph: inside a custom gradient its ops are not
 * recorded (top-k and arg-min have no usable gradient in tfjs), and its inputs get zeros.
 */
function asConstant<T extends tf.Tensor>(compute: (...inputs: tf.Tensor[]) => T) {
  return tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const inputs = args as tf.Tensor[];
    save(inputs);
    return {
      value: compute(...inputs),
      gradFunc: (_dy: tf.Tensor, saved: tf.Tensor[]) => saved.map((t) => tf.zerosLike(t)),
    };
  }) as unknown as CustomGradientFunc<T>) as (...inputs: tf.Tensor[]) => T;
}

/** 1 for the `count` highest scores of each row, else 0: [N, P] -> [N, P]. */
export function topPatchMask(scores: tf.Tensor2D, count: number): tf.Tensor2D {
  const { indices } = tf.topk(scores, count);
  // oneHot's dtype argument is ignored on tfjs-backend-wasm 4.22 (int32 bits read as floats): cast.
  return tf.cast(tf.sum(tf.oneHot(indices, scores.shape[1]), 1), "float32") as tf.Tensor2D;
}

/**
 * How close each patch is to the caption's content words: the largest cosine between the
 * patch token and a content token (joint space). `random` [N, P] is used for rows whose
 * caption has no content token. [N, P, D], [N, T, D], [N, T] -> [N, P].
 */
export function contentPatchScores(
  patchTokens: tf.Tensor3D,
  captionTokens: tf.Tensor3D,
  contentMask: tf.Tensor2D,
  random: tf.Tensor2D,
): tf.Tensor2D {
  const cosines = tf.matMul(l2Normalize(patchTokens), l2Normalize(captionTokens), false, true); // [N, P, T]
  const masked = tf.add(cosines, tf.mul(tf.sub(1, tf.expandDims(contentMask, 1)), -1e9));
  const hasContent = tf.greater(tf.sum(contentMask, 1, true), 0); // [N, 1]
  return tf.where(tf.broadcastTo(hasContent, random.shape), tf.max(masked, 2), random) as tf.Tensor2D;
}

/**
 * For each patch token, a dictionary prototype other than its nearest: (nearest + offset)
 * mod M with offsets in 1..M-1. [N, P, W] x [M, W] -> [N, P, W].
 */
export function differentPrototypes(tokens: tf.Tensor3D, dictionary: tf.Tensor2D, offsets: tf.Tensor2D) {
  const [n, p, w] = tokens.shape;
  const m = dictionary.shape[0];
  const flat = tf.reshape(tokens, [n * p, w]) as tf.Tensor2D;
  // ||x - c||^2 up to the per-token constant ||x||^2.
  const distances = tf.sub(
    tf.sum(tf.square(dictionary), 1),
    tf.mul(tf.matMul(flat, dictionary, false, true), 2),
  );
  const nearest = tf.argMin(distances, 1);
  const chosen = tf.mod(tf.add(nearest, tf.reshape(offsets, [n * p])), tf.scalar(m, "int32"));
  return tf.reshape(tf.gather(dictionary, chosen), [n, p, w]) as tf.Tensor3D;
}

/** Replaces the masked patch tokens (mask [N, P]) of `embedded` [N, 1 + P, W]; the class token stays. */
export function editPatchTokens(
  embedded: tf.Tensor3D,
  mask: tf.Tensor2D,
  replacement: tf.Tensor3D,
): tf.Tensor3D {
  const cls = tf.slice(embedded, [0, 0, 0], [-1, 1, -1]);
  const patches = tf.slice(embedded, [0, 1, 0], [-1, -1, -1]);
  const m = tf.expandDims(mask, 2);
  const edited = tf.add(tf.mul(patches, tf.sub(1, m)), tf.mul(replacement, m));
  return tf.concat([cls, edited], 1) as tf.Tensor3D;
}

/** The per-step randomness: uniform scores (random selection) and prototype offsets in 1..M-1. */
function stepRandomness(seed: number, step: number, count: number, prototypes: number) {
  const rng = createRng(deriveSeed(seed, `image-negatives:${step}`));
  const scores = new Float32Array(count);
  const offsets = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    scores[i] = rng.next();
    offsets[i] = 1 + rng.int(prototypes - 1);
  }
  return { scores, offsets };
}

/** What one step provides for its negative images (all inside the step's gradient tape). */
export interface NegativeImageContext {
  params: ClipParams;
  config: ClipConfig;
  /** [N, 1 + P, W] tokens entering the first vision layer (`embedImagePatches`). */
  embedded: tf.Tensor3D;
  /** [N, P, D] projected patch tokens of the true images (content selection only). */
  patchTokens: () => tf.Tensor3D;
  /** [N, T, D] projected tokens of the true captions (content selection only). */
  captionTokens: () => tf.Tensor3D;
  captions: TokenBatch;
  settings: ImageNegativeSettings;
  seed: number;
  step: number;
}

/** The trainer's side of image-side negatives: the dictionary and each step's negative images. */
export class NegativeImageMaker {
  /** Token ids of content words (nouns, adjectives) seen in the dictionary images' captions. */
  private readonly contentIds: Set<number>;

  constructor(source: ExampleSource, tokenizer: ClipTokenizer, settings: ImageNegativeSettings) {
    const captions = evenlySpacedIndices(source.size, settings.dictionaryImages).map(
      (i) => source.get(i).caption,
    );
    this.contentIds = wordTokenIds(tokenizer, contentWordCounts(captions).keys());
  }

  /** (Re)builds the dictionary under the current weights into `params` (awaits the device). */
  async buildDictionary(
    params: ClipParams,
    config: ClipConfig,
    source: ExampleSource,
    settings: ImageNegativeSettings & { seed: number },
  ): Promise<{ prototypes: number; iterations: number; inertia: number }> {
    const result = await buildVisualDictionary(params, config, source, {
      prototypes: settings.prototypes,
      images: settings.dictionaryImages,
      kmeansIterations: settings.kmeansIterations,
      seed: settings.seed,
    });
    params.get(VISUAL_DICTIONARY_PARAM)?.dispose();
    const values = tf.tensor2d(result.centroids, [result.k, result.dim]);
    params.set(VISUAL_DICTIONARY_PARAM, tf.variable(values, false));
    values.dispose();
    return { prototypes: result.k, iterations: result.iterations, inertia: result.inertia };
  }

  /** [N, T] 1 for caption tokens that spell a content word. */
  contentMask(captions: TokenBatch): Float32Array {
    return Float32Array.from(captions.ids, (id) => (this.contentIds.has(id) ? 1 : 0));
  }

  /**
   * Which patch tokens each image loses (`mask` [N, P], exactly replacedPatchCount ones per
   * row) and what replaces them (`replacement` [N, P, W]): constants of the step.
   */
  plan(ctx: NegativeImageContext): { mask: tf.Tensor2D; replacement: tf.Tensor3D } {
    const dictionary = ctx.params.get(VISUAL_DICTIONARY_PARAM) as tf.Tensor2D | undefined;
    if (!dictionary) throw new Error("image negatives: no visual dictionary; await trainer.prepare() first");
    const [n, length] = ctx.embedded.shape;
    const p = length - 1;
    const random = stepRandomness(ctx.seed, ctx.step, n * p, dictionary.shape[0]);
    const randomScores = tf.tensor2d(random.scores, [n, p]);
    const count = replacedPatchCount(ctx.settings.share, p);
    const mask =
      ctx.settings.selection === "random"
        ? topPatchMask(randomScores, count)
        : asConstant((patchTokens, captionTokens) => {
            const contentMask = tf.tensor2d(this.contentMask(ctx.captions), [n, ctx.captions.length]);
            const scores = contentPatchScores(
              patchTokens as tf.Tensor3D,
              captionTokens as tf.Tensor3D,
              contentMask,
              randomScores,
            );
            return topPatchMask(scores, count);
          })(ctx.patchTokens(), ctx.captionTokens());
    const patches = tf.slice(ctx.embedded, [0, 1, 0], [-1, -1, -1]) as tf.Tensor3D;
    const offsets = tf.tensor2d(random.offsets, [n, p], "int32");
    const replacement = asConstant((tokens) =>
      differentPrototypes(tokens as tf.Tensor3D, dictionary, offsets),
    )(patches);
    return { mask, replacement };
  }

  /** The negative images' raw embeddings [N, D] (`negativeImageEmb`). */
  negativeImageEmb(ctx: NegativeImageContext): tf.Tensor2D {
    const { mask, replacement } = this.plan(ctx);
    return encodeVisionTokens(ctx.params, ctx.config, editPatchTokens(ctx.embedded, mask, replacement))
      .features;
  }
}
