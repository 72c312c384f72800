import { z } from "zod";
import { findTrainDataSource } from "../../core/data/sources.js";
import { getObjective } from "../../core/losses/registry.js";
import { parseTrainConfig } from "../../core/train/config.js";
import { parseCliArgs } from "../args.js";
import { nodeBackendName } from "../backend.js";
import { runTraining, type TrainRunHooks, type TrainRunOptions, type TrainSummary } from "../trainRun.js";
import type { CliCommand } from "./types.js";

function numberOption(name: string, text: string | undefined, check: (v: number) => boolean, rule: string) {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !check(value)) throw new Error(`--${name} must be ${rule}, got "${text}"`);
  return value;
}

const integerAtLeast = (name: string, text: string | undefined, min: number) =>
  numberOption(name, text, (v) => Number.isInteger(v) && v >= min, `an integer >= ${min}`);

const NUMBER_PATTERN = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** `key=value` -> [key, value], the value a number or boolean where it looks like one. */
export function parseObjectiveOption(text: string): [string, unknown] {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new Error(`--option must look like key=value, got "${text}"`);
  const key = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1).trim();
  if (raw === "true" || raw === "false") return [key, raw === "true"];
  if (NUMBER_PATTERN.test(raw)) return [key, Number(raw)];
  return [key, raw];
}

/** Checks objective options against the objective's schema now, before a model is loaded. */
function checkObjectiveOptions(objectiveName: string, options: Record<string, unknown>): void {
  const schema = getObjective(objectiveName).optionsSchema;
  // zod objects drop unknown keys silently: a typo would otherwise train with the default.
  if (schema instanceof z.ZodObject) {
    const known = Object.keys(schema.shape);
    const unknown = Object.keys(options).find((key) => !known.includes(key));
    if (unknown)
      throw new Error(`${objectiveName} has no option "${unknown}" (options: ${known.join(", ")})`);
  }
  const result = schema.safeParse(options);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${objectiveName} option "${issue.path.join(".")}": ${issue.message}`);
  }
}

/** Turns command-line arguments into validated run options (no model loaded yet). */
export function parseTrainArgs(args: string[]): TrainRunOptions {
  const { values, positionals } = parseCliArgs(args, {
    model: { type: "string" },
    data: { type: "string" },
    "data-size": { type: "string" },
    objective: { type: "string" },
    steps: { type: "string" },
    batch: { type: "string" },
    lr: { type: "string" },
    warmup: { type: "string" },
    seed: { type: "string" },
    out: { type: "string" },
    backend: { type: "string" },
    "eval-every": { type: "string" },
    "eval-n": { type: "string" },
    "checkpoint-every": { type: "string" },
    "log-every": { type: "string" },
    option: { type: "string", multiple: true },
    resume: { type: "boolean" },
  });
  if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`);
  if (!values.model) throw new Error("--model <dir> is required");
  if (!values.out) throw new Error("--out <dir> is required");
  nodeBackendName(values.backend);
  const data = values.data ?? "shapes-train";
  findTrainDataSource(data);
  const objective = values.objective ?? "ceclip";
  const objectiveOptions = Object.fromEntries((values.option ?? []).map(parseObjectiveOption));
  checkObjectiveOptions(objective, objectiveOptions);
  // Only the given options; the rest take TrainConfig's defaults.
  const given = {
    objective,
    objectiveOptions,
    steps: integerAtLeast("steps", values.steps, 1),
    batchSize: integerAtLeast("batch", values.batch, 1),
    lr: numberOption("lr", values.lr, (v) => v > 0 && Number.isFinite(v), "a positive number"),
    warmupSteps: integerAtLeast("warmup", values.warmup, 0),
    seed: integerAtLeast("seed", values.seed, 0),
    evalEvery: integerAtLeast("eval-every", values["eval-every"], 0),
    checkpointEvery: integerAtLeast("checkpoint-every", values["checkpoint-every"], 0),
  };
  const config = parseTrainConfig(
    Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)),
  );
  const dataSize = integerAtLeast("data-size", values["data-size"], 1) ?? config.steps * config.batchSize;
  if (dataSize < config.batchSize)
    throw new Error(`--data-size ${dataSize} is smaller than one batch (${config.batchSize})`);
  return {
    modelDir: values.model,
    data,
    dataSize,
    outDir: values.out,
    backend: values.backend ?? "wasm",
    resume: values.resume ?? false,
    evalN: integerAtLeast("eval-n", values["eval-n"], 1) ?? 200,
    logEvery: integerAtLeast("log-every", values["log-every"], 1) ?? 10,
    config,
  };
}

/** The train command without printing its summary: parse, train, write the output folder. */
export async function runTrainCommand(args: string[], hooks: TrainRunHooks = {}): Promise<TrainSummary> {
  return runTraining(parseTrainArgs(args), hooks);
}

export const trainCommand: CliCommand = {
  summary:
    "fine-tune: --model <dir> --data shapes-train --out <dir> [--objective ceclip] [--steps] [--batch] " +
    "[--lr] [--warmup] [--seed] [--eval-every] [--checkpoint-every] [--option key=value] [--resume]",
  async run(args) {
    const options = parseTrainArgs(args);
    // Ctrl-C stops after the current step and writes a checkpoint that --resume continues.
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once("SIGINT", stop);
    try {
      const summary = await runTraining(options, { signal: controller.signal });
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      return summary.interrupted ? 130 : 0;
    } finally {
      process.off("SIGINT", stop);
    }
  },
};
