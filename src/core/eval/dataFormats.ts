import type { BenchmarkData } from "./benchmark.js";
import { subsetOf } from "./importers/entries.js";
import { IMPORTERS } from "./importers/index.js";
import type { Importer, ParsedBenchmark } from "./importers/types.js";
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

/**
 * A published benchmark, `<name>:<annotation file>[,<file>...]`, scored its own way
 * (src/core/eval/importers/); its images come separately (`--images <dir or zip>`).
 */
export interface ImportedDataFormat {
  importer: Importer;
  usage: string;
  matches(spec: string): boolean;
  /** Reads and parses the annotation files; problems in them are issues, not exceptions. */
  load(spec: string, context: { readFile: (path: string) => Promise<Uint8Array> }): Promise<ParsedBenchmark>;
}

/** The annotation files of a spec: "sugarcrepe:a.json,b.json" -> ["a.json", "b.json"]. */
function annotationPaths(spec: string): string[] {
  return spec
    .slice(spec.indexOf(":") + 1)
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

const importedFormat = (importer: Importer): ImportedDataFormat => ({
  importer,
  usage: `${importer.name}:<annotation file>`,
  matches: (spec) => spec.startsWith(`${importer.name}:`),
  async load(spec, { readFile }) {
    const paths = annotationPaths(spec);
    if (paths.length === 0)
      throw new Error(`${importer.name} needs an annotation file: ${importer.name}:<file>`);
    // A subset is named by its file; files of the same name (vg.json of two corpora) keep their path.
    const names = paths.map(subsetOf);
    const merged: ParsedBenchmark = { cases: [], issues: [], excluded: 0 };
    for (const [k, path] of paths.entries()) {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(path);
      } catch {
        throw new Error(`cannot read the ${importer.name} annotation file ${path}`);
      }
      const subset =
        names.indexOf(names[k]) === names.lastIndexOf(names[k]) ? names[k] : path.replace(/\.jsonl?$/i, "");
      const parsed = importer.parse({ name: path, bytes }, { subset });
      // Loops, not push(...list): a list of 100,000 arguments overflows the call stack.
      for (const test of parsed.cases) merged.cases.push(test);
      for (const issue of parsed.issues) merged.issues.push(issue);
      merged.excluded += parsed.excluded;
    }
    return merged;
  },
});

/** Registry of imported benchmarks; a new one is one importer in importers/index.ts. */
export const IMPORTED_DATA_FORMATS: readonly ImportedDataFormat[] = IMPORTERS.map(importedFormat);

export type EvalDataFormat =
  | { kind: "typed"; format: BenchmarkDataFormat }
  | { kind: "imported"; format: ImportedDataFormat };

/** Any accepted `--data` of the eval command, or a one-line error listing all forms. */
export function findEvalDataFormat(spec: string): EvalDataFormat {
  const typed = BENCHMARK_DATA_FORMATS.find((f) => f.matches(spec));
  if (typed) return { kind: "typed", format: typed };
  const imported = IMPORTED_DATA_FORMATS.find((f) => f.matches(spec));
  if (imported) return { kind: "imported", format: imported };
  const accepted = [...BENCHMARK_DATA_FORMATS, ...IMPORTED_DATA_FORMATS].map((f) => f.usage).join(", ");
  throw new Error(`unknown --data "${spec}" (accepted: ${accepted})`);
}
