import type { DataIssue, IssueLocation } from "../../data/uploads/issues.js";

/** Pixel box [x, y, width, height] in the image's own pixels (ARO's bbox). */
export interface CropBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An image named by the annotation file, optionally cropped before encoding. */
export interface ImageRef {
  name: string;
  crop?: CropBox;
}

/**
 * One test of a benchmark: its images and texts, scored from the [images x texts]
 * similarity matrix. Two-way tests (SugarCrepe, ARO, VALSE, VL-CheckList) have one image and
 * texts [true, false]; Winoground has two images and two captions.
 */
export interface BenchmarkCase {
  /** Results are reported per subset (a file, a relation, a Winoground tag). */
  subset: string;
  images: ImageRef[];
  texts: string[];
  at: IssueLocation;
}

/** Similarities of one case: sims[i][t] = cos(image i, text t). */
export type CaseSims = readonly (readonly number[])[];

export interface SubsetScores {
  n: number;
  [score: string]: number | boolean | null;
}

export interface ImportedScores {
  /** The benchmark's own headline numbers, e.g. {accuracy} or {text, image, group}. */
  scores: Record<string, number | null>;
  perSubset: Record<string, SubsetScores>;
}

/** An annotation file's tests and the problems found reading it. */
export interface ParsedBenchmark {
  cases: BenchmarkCase[];
  issues: DataIssue[];
  /** Tests left out by the benchmark's own rule (VALSE's unvalidated foils), not errors. */
  excluded: number;
}

export interface Importer {
  name: string;
  /** What the annotation file looks like, for --help and errors. */
  describe: string;
  /** `subset`: the name for this file's tests where the benchmark groups by file. */
  parse(file: { name: string; bytes: Uint8Array }, options: { subset: string }): ParsedBenchmark;
  score(cases: readonly BenchmarkCase[], sims: readonly CaseSims[]): ImportedScores;
}
