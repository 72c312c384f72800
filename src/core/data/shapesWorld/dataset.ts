import { mixSeed, Rng } from "../random.js";
import { type CaptionOptions, sampleCaptionSpec } from "./captions.js";
import { renderCaption } from "./grammar.js";
import { makeNegatives } from "./negatives.js";
import { renderScene } from "./rasterise.js";
import { generateScene, type SceneOptions } from "./scene.js";
import { isTrueOf } from "./semantics.js";
import { forbiddenInNegatives } from "./splits.js";
import type { ShapesSample, Split } from "./types.js";

export type ShapesWorldOptions = SceneOptions & CaptionOptions;

export const DEFAULT_SHAPES_WORLD_OPTIONS: Readonly<ShapesWorldOptions> = {
  objectCountWeights: [0.15, 0.7, 0.15],
  texturedProbability: 0.3,
  relationProbabilityTwo: 0.85,
  relationProbabilityThree: 0.6,
  sizeWordProbability: 0.5,
  textureWordProbability: 0.6,
  plainWordProbability: 0.15,
};

export const DEFAULT_IMAGE_SIZE = 64;

const SPLIT_TAG: Readonly<Record<Split, number>> = { train: 1, heldout: 2 };

export type ShapesRecord = Omit<ShapesSample, "image">;

/** Everything but the pixels: scene i depends only on (split, seed, index, options). */
export function recordAt(
  split: Split,
  seed: number,
  index: number,
  options: Partial<ShapesWorldOptions> = {},
): ShapesRecord {
  const resolved = { ...DEFAULT_SHAPES_WORLD_OPTIONS, ...options };
  const rng = new Rng(mixSeed(seed, SPLIT_TAG[split], index));
  const layout = generateScene(rng, split, resolved);
  const spec = sampleCaptionSpec(rng, layout, resolved);
  if (!isTrueOf(spec, layout.scene))
    throw new Error(`shapes world: generated a false caption at ${split}/${index}`);
  const negatives = makeNegatives(spec, layout.scene, rng, forbiddenInNegatives(split));
  return {
    id: `${split}-${seed}-${index}`,
    caption: renderCaption(spec),
    negatives: negatives.texts,
    negativeMask: negatives.mask,
    scene: layout.scene,
    spec,
    negativeSpecs: negatives.specs,
  };
}

/** One sample of the unbounded stream, rendered at imageSize x imageSize. */
export function sampleAt(
  split: Split,
  seed: number,
  index: number,
  imageSize = DEFAULT_IMAGE_SIZE,
  options: Partial<ShapesWorldOptions> = {},
): ShapesSample {
  const record = recordAt(split, seed, index, options);
  return { ...record, image: renderScene(record.scene, imageSize) };
}

export type ShapesDatasetRequest = {
  split: Split;
  n: number;
  seed: number;
  imageSize?: number;
  /** First stream index (default 0): datasets at different offsets never share scenes. */
  startIndex?: number;
  options?: Partial<ShapesWorldOptions>;
};

export function generateShapesDataset(request: ShapesDatasetRequest): ShapesSample[] {
  const { split, n, seed, imageSize = DEFAULT_IMAGE_SIZE, startIndex = 0, options = {} } = request;
  return Array.from({ length: n }, (_, i) => sampleAt(split, seed, startIndex + i, imageSize, options));
}
