import type { ExampleSource } from "../../train/batches.js";
import { type ShapesWorldOptions, sampleAt } from "./dataset.js";
import { NEGATIVE_TYPES } from "./negatives.js";
import type { Split } from "./types.js";

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
