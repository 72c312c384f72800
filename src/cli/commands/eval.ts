import { readFile } from "node:fs/promises";
import { disposeClip, loadClip } from "../../core/clip/index.js";
import { formatIssue } from "../../core/data/uploads/issues.js";
import { runBenchmark } from "../../core/eval/benchmark.js";
import {
  type BenchmarkDataFormat,
  findEvalDataFormat,
  type ImportedDataFormat,
} from "../../core/eval/dataFormats.js";
import { clipEmbedder } from "../../core/eval/importers/embedder.js";
import { runImportedBenchmark } from "../../core/eval/importers/run.js";
import type { SubsetScores } from "../../core/eval/importers/types.js";
import { parseCliArgs } from "../args.js";
import { selectNodeBackend } from "../backend.js";
import { readModelFolder } from "../files.js";
import { decodeCliImage, imageFilesFromPath } from "./evalImages.js";
import type { CliCommand } from "./types.js";

export interface EvalOutput {
  n: number;
  candidates: number;
  perType: Record<string, number | null>;
  perTypeCount: Record<string, number>;
  r1_i2t: number;
  r5_i2t: number;
  r1_t2i: number;
  r5_t2i: number;
  seconds: number;
}

/** An imported benchmark: its own scores at the top level, then per subset. */
export interface ImportedEvalOutput {
  format: string;
  n: number;
  [score: string]: unknown;
  perSubset: Record<string, SubsetScores>;
  /** Tests left out for a missing or unreadable image (listed in `issues`). */
  skipped: number;
  /** Tests the benchmark's own rule leaves out (VALSE's unvalidated foils). */
  excluded: number;
  /** The first problems found, one line each; `issueCount` counts them all. */
  issues: string[];
  issueCount: number;
  seconds: number;
}

/** Problems printed in the JSON; the count says how many there were in all. */
const ISSUES_SHOWN = 20;

function integerOption(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer >= ${min}`);
  return value;
}

/** The eval command without printing: parses args, loads the model and data, runs the benchmark. */
export async function runEvalCommand(args: string[]): Promise<EvalOutput | ImportedEvalOutput> {
  const { values } = parseCliArgs(args, {
    model: { type: "string" },
    data: { type: "string" },
    images: { type: "string" },
    n: { type: "string" },
    seed: { type: "string" },
    candidates: { type: "string" },
    backend: { type: "string" },
  });
  if (!values.model) throw new Error("--model <dir> is required");
  const spec = values.data ?? "shapes-heldout";
  // Check the cheap things before loading a model.
  const found = findEvalDataFormat(spec);
  const n = integerOption("n", values.n, 500, 1);
  const seed = integerOption("seed", values.seed, 0, 0);
  const candidates = integerOption("candidates", values.candidates, 100, 1);
  if (found.kind === "imported") {
    if (!values.images)
      throw new Error(`--images <dir or zip> is required for ${found.format.importer.name}`);
    const limit = values.n === undefined ? undefined : n;
    return runImported(found.format, spec, values.model, values.images, limit, values.backend);
  }
  if (values.images) throw new Error(`--images is only for imported benchmarks, not ${spec}`);
  return runTyped(found.format, spec, values.model, { n, seed, candidates }, values.backend);
}

const readFileBytes = async (path: string) => new Uint8Array(await readFile(path));
const secondsSince = (started: number) => Number(((performance.now() - started) / 1000).toFixed(2));

async function runTyped(
  format: BenchmarkDataFormat,
  spec: string,
  modelDir: string,
  options: { n: number; seed: number; candidates: number },
  backend: string | undefined,
): Promise<EvalOutput> {
  await selectNodeBackend(backend);
  const started = performance.now();
  const model = await loadClip(readModelFolder(modelDir));
  try {
    const data = await format.load(spec, {
      n: options.n,
      seed: options.seed,
      imageSize: model.config.vision_config.image_size,
      readFile: readFileBytes,
    });
    const result = await runBenchmark(model, data, { candidates: options.candidates });
    return {
      n: result.n,
      candidates: result.candidates,
      perType: result.perType,
      perTypeCount: result.perTypeCount,
      r1_i2t: result.r1_i2t,
      r5_i2t: result.r5_i2t,
      r1_t2i: result.r1_t2i,
      r5_t2i: result.r5_t2i,
      seconds: secondsSince(started),
    };
  } finally {
    disposeClip(model);
  }
}

async function runImported(
  format: ImportedDataFormat,
  spec: string,
  modelDir: string,
  imagesPath: string,
  limit: number | undefined,
  backend: string | undefined,
): Promise<ImportedEvalOutput> {
  const started = performance.now();
  // Annotation and image listing first: their errors come before a model is loaded.
  const parsed = await format.load(spec, { readFile: readFileBytes });
  const images = imageFilesFromPath(imagesPath);
  await selectNodeBackend(backend);
  const model = await loadClip(readModelFolder(modelDir));
  try {
    const result = await runImportedBenchmark(
      clipEmbedder(model),
      format.importer,
      parsed,
      images,
      decodeCliImage,
      {
        limit,
      },
    );
    return {
      format: result.format,
      n: result.n,
      ...result.scores,
      perSubset: result.perSubset,
      skipped: result.skipped,
      excluded: result.excluded,
      issues: result.issues.slice(0, ISSUES_SHOWN).map(formatIssue),
      issueCount: result.issues.length,
      seconds: secondsSince(started),
    };
  } finally {
    disposeClip(model);
  }
}

export const evalCommand: CliCommand = {
  summary:
    "compositional benchmark: --model <dir> [--data shapes-heldout | <benchmark>:<file> --images <dir|zip>] [--n 500]",
  async run(args) {
    const out = await runEvalCommand(args);
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return 0;
  },
};
