import * as tf from "@tensorflow/tfjs";
import type { ClipConfig } from "../clip/config.js";
import { type ClipParams, embedImagePatches } from "../clip/model.js";
import { preprocessOptionsFor } from "../clip/preprocess.js";
import { deriveSeed } from "../clip/random.js";
import { type ExampleSource, evenlySpacedIndices, imagePatches } from "./batches.js";
import { type KMeansResult, kMeans } from "./kmeans.js";

/**
 * The visual dictionary of image-side negatives (after NAS, docs/methods.md): k-means
 * prototypes of patch tokens as they enter the first vision transformer layer (patch
 * embedding + position + pre-LayerNorm, class token excluded), over training images under
 * the model as it is when built (the starting model, unless rebuilt later).
 */

export interface DictionarySettings {
  /** Prototypes M (fewer when the tokens have fewer distinct values). */
  prototypes: number;
  /** Training images whose patch tokens are clustered (evenly spaced over the source). */
  images: number;
  kmeansIterations: number;
  seed: number;
}

/** Images embedded per forward pass while collecting tokens. */
const CHUNK = 32;

/** Patch tokens entering the first layer, [images * P, width] row-major (awaits each chunk; never blocks). */
export async function collectPatchTokens(
  params: ClipParams,
  config: ClipConfig,
  source: ExampleSource,
  indices: readonly number[],
): Promise<Float32Array> {
  const vision = config.vision_config;
  const preprocess = preprocessOptionsFor(vision.image_size);
  const perImage = (vision.image_size / vision.patch_size) ** 2 * vision.hidden_size;
  const out = new Float32Array(indices.length * perImage);
  for (let start = 0; start < indices.length; start += CHUNK) {
    const chunk = indices.slice(start, start + CHUNK);
    const tokens = tf.tidy(() => {
      const patches = imagePatches(
        chunk.map((i) => source.get(i).image),
        preprocess,
        vision.patch_size,
      );
      return tf.slice(embedImagePatches(params, config, patches), [0, 1, 0], [-1, -1, -1]);
    });
    out.set(await tokens.data(), start * perImage);
    tokens.dispose();
  }
  return out;
}

/** Builds the dictionary: k-means over the patch tokens of `settings.images` training images. */
export async function buildVisualDictionary(
  params: ClipParams,
  config: ClipConfig,
  source: ExampleSource,
  settings: DictionarySettings,
): Promise<KMeansResult> {
  const indices = evenlySpacedIndices(source.size, settings.images);
  const tokens = await collectPatchTokens(params, config, source, indices);
  const result = kMeans(tokens, config.vision_config.hidden_size, {
    k: settings.prototypes,
    seed: deriveSeed(settings.seed, "visual-dictionary"),
    maxIterations: settings.kmeansIterations,
  });
  if (result.k < 2) {
    throw new Error(
      `image negatives: the patch tokens of ${indices.length} training images have ${result.k} distinct ` +
        "value(s); a negative image needs at least 2 prototypes (use more images)",
    );
  }
  return result;
}
