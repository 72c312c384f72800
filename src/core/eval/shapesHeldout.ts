import { shapesExampleSource } from "../data/shapesWorld/source.js";
import type { Split } from "../data/shapesWorld/types.js";
import type { BenchmarkData } from "./benchmark.js";

export interface ShapesBenchmarkRequest {
  /** Held-out colour-shape pairs by default: the compositional test. */
  split?: Split;
  n: number;
  seed: number;
  /** Render at the model's image size, so no resampling blur. */
  imageSize: number;
}

/** The first n scenes of the shapes world's (split, seed) stream, with its 4 negative types. */
export function shapesBenchmarkExamples(request: ShapesBenchmarkRequest): BenchmarkData {
  const { split = "heldout", n, seed, imageSize } = request;
  if (!Number.isInteger(n) || n < 1) throw new Error(`n must be a positive integer, got ${n}`);
  return shapesExampleSource({ split, seed, size: n, imageSize });
}
