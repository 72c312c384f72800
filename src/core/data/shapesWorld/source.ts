import type { ExampleSource } from "../../train/batches.js";
import { type ShapesWorldOptions, sampleAt } from "./dataset.js";
import { NEGATIVE_TYPES } from "./negatives.js";
import type { Split } from "./types.js";

/**
 * Named scene mixes for training. "world": the world's own mix (15 % one-object, 70 %
 * two-object, 15 % three-object scenes), what the benchmark always uses. "two-objects":
 * two-object scenes only (85 % with a relation caption), so every batch carries swap and
 * relation negatives: the mix `npm run reproduce` fine-tunes on, the only one on which the
 * default model's bag of words was cured within its budget.
 */
export const SCENE_MIXES = {
  world: {},
  "two-objects": { objectCountWeights: [0, 1, 0] },
} as const satisfies Record<string, Partial<ShapesWorldOptions>>;
export type SceneMix = keyof typeof SCENE_MIXES;

/** The options of a named mix, or an error naming the known ones. */
export function sceneMixOptions(name: string): Partial<ShapesWorldOptions> {
  if (!Object.hasOwn(SCENE_MIXES, name))
    throw new Error(`scene mix must be one of ${Object.keys(SCENE_MIXES).join(", ")}, not "${name}"`);
  return SCENE_MIXES[name as SceneMix];
}

/**
 * The shapes world as a training source: `size` scenes of the (split, seed) stream,
 * rendered on demand at the model's image size (no resize needed, so no resampling blur).
 */
export function shapesExampleSource(request: {
  split: Split;
  seed: number;
  size: number;
  imageSize: number;
  startIndex?: number;
  /** Scene and caption options (default: the world's defaults, as the benchmark uses). */
  options?: Partial<ShapesWorldOptions>;
}): ExampleSource {
  const start = request.startIndex ?? 0;
  return {
    size: request.size,
    numNegativeTypes: NEGATIVE_TYPES.length,
    negativeTypeNames: [...NEGATIVE_TYPES],
    get(index: number) {
      if (index < 0 || index >= request.size)
        throw new RangeError(`example ${index} outside 0..${request.size - 1}`);
      const s = sampleAt(request.split, request.seed, start + index, request.imageSize, request.options);
      return { image: s.image, caption: s.caption, negatives: s.negatives, negativeMask: s.negativeMask };
    },
  };
}
