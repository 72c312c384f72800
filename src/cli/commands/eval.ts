import { readFile } from "node:fs/promises";
import { disposeClip, loadClip } from "../../core/clip/index.js";
import { runBenchmark } from "../../core/eval/benchmark.js";
import { findBenchmarkDataFormat } from "../../core/eval/dataFormats.js";
import { parseCliArgs } from "../args.js";
import { selectNodeBackend } from "../backend.js";
import { readModelFolder } from "../files.js";
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

function integerOption(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer >= ${min}`);
  return value;
}

/** The eval command without printing: parses args, loads the model and data, runs the benchmark. */
export async function runEvalCommand(args: string[]): Promise<EvalOutput> {
  const { values } = parseCliArgs(args, {
    model: { type: "string" },
    data: { type: "string" },
    n: { type: "string" },
    seed: { type: "string" },
    candidates: { type: "string" },
    backend: { type: "string" },
  });
  if (!values.model) throw new Error("--model <dir> is required");
  const spec = values.data ?? "shapes-heldout";
  // Check the cheap things before loading a model.
  const format = findBenchmarkDataFormat(spec);
  const n = integerOption("n", values.n, 500, 1);
  const seed = integerOption("seed", values.seed, 0, 0);
  const candidates = integerOption("candidates", values.candidates, 100, 1);
  await selectNodeBackend(values.backend);
  const started = performance.now();
  const model = await loadClip(readModelFolder(values.model));
  try {
    const data = await format.load(spec, {
      n,
      seed,
      imageSize: model.config.vision_config.image_size,
      readFile: async (path) => new Uint8Array(await readFile(path)),
    });
    const result = await runBenchmark(model, data, { candidates });
    return {
      n: result.n,
      candidates: result.candidates,
      perType: result.perType,
      perTypeCount: result.perTypeCount,
      r1_i2t: result.r1_i2t,
      r5_i2t: result.r5_i2t,
      r1_t2i: result.r1_t2i,
      r5_t2i: result.r5_t2i,
      seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    };
  } finally {
    disposeClip(model);
  }
}

export const evalCommand: CliCommand = {
  summary: "compositional benchmark: --model <dir> [--data shapes-heldout] [--n 500] [--seed 0]",
  async run(args) {
    const out = await runEvalCommand(args);
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return 0;
  },
};
