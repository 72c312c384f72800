import type { BenchmarkData } from "./benchmark.js";
import { shapesBenchmarkExamples } from "./shapesHeldout.js";

/** What every data format gets: size and seed, the model's image size, and file access. */
export interface BenchmarkDataContext {
  n: number;
  seed: number;
  imageSize: number;
  /** Reads a file named in the spec (Node fs in the CLI, fetch in the app). */
  readFile?: (path: string) => Promise<Uint8Array>;
}

/** One accepted form of `--data`, e.g. "shapes-heldout" or later "sugarcrepe:<file>". */
export interface BenchmarkDataFormat {
  /** Shown in the list of accepted forms. */
  usage: string;
  matches(spec: string): boolean;
  load(spec: string, context: BenchmarkDataContext): Promise<BenchmarkData>;
}

const shapesFormat = (split: "heldout" | "train"): BenchmarkDataFormat => ({
  usage: `shapes-${split}`,
  matches: (spec) => spec === `shapes-${split}`,
  load: async (_spec, { n, seed, imageSize }) => shapesBenchmarkExamples({ split, n, seed, imageSize }),
});

/** Registry of data formats; a new one is one entry here. */
export const BENCHMARK_DATA_FORMATS: readonly BenchmarkDataFormat[] = [
  shapesFormat("heldout"),
  shapesFormat("train"),
];

/** The format for a spec, or a one-line error listing the accepted forms. */
export function findBenchmarkDataFormat(spec: string): BenchmarkDataFormat {
  const format = BENCHMARK_DATA_FORMATS.find((f) => f.matches(spec));
  if (!format) {
    const accepted = BENCHMARK_DATA_FORMATS.map((f) => f.usage).join(", ");
    throw new Error(`unknown --data "${spec}" (accepted: ${accepted})`);
  }
  return format;
}

export async function loadBenchmarkData(spec: string, context: BenchmarkDataContext): Promise<BenchmarkData> {
  return findBenchmarkDataFormat(spec).load(spec, context);
}
