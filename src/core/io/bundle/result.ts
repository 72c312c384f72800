import { parseTrainConfig, type TrainConfig } from "../../train/config.js";
import { parseMetricsCsv } from "../../train/metricsCsv.js";
import type { StepMetrics } from "../../train/trainer.js";
import { BundleError } from "./schema.js";

/**
 * A finished run to import (scale/'s `train --out` folder, or the CLI's): the trained HF
 * model, every step's metrics and the run record. Worker-free: the Export panel hands the
 * model files to `loadClip` and charts `metrics` beside the browser's own curves.
 */
export interface RunResult {
  /** The HF model folder, by file name. */
  modelFiles: Map<string, Uint8Array>;
  metrics: StepMetrics[];
  /** run.json as written (stepsDone, worldSize, stepsPerSecond, ...); {} when absent. */
  record: Record<string, unknown>;
  /** The run's training settings, when run.json holds them. */
  config?: TrainConfig;
}

const MODEL_FILES = [
  "config.json",
  "model.safetensors",
  "tokenizer.json",
  "tokenizer_config.json",
  "vocab.json",
  "merges.txt",
  "special_tokens_map.json",
];

/** Reads a finished run from its files (folder contents or an unzipped, folder-stripped zip). */
export function readRunResult(files: Map<string, Uint8Array>): RunResult {
  const decode = (name: string) => new TextDecoder().decode(files.get(name));
  for (const required of ["config.json", "model.safetensors", "metrics.csv"])
    if (!files.has(required)) throw new BundleError(`${required}: file not found in the run's output`);
  const metrics = parseMetricsCsv(decode("metrics.csv"));
  let record: Record<string, unknown> = {};
  if (files.has("run.json")) {
    try {
      record = JSON.parse(decode("run.json"));
    } catch (e) {
      throw new BundleError(`run.json: not valid JSON: ${(e as Error).message}`);
    }
  }
  let config: TrainConfig | undefined;
  if (record.config !== undefined) {
    try {
      config = parseTrainConfig(record.config);
    } catch (e) {
      throw new BundleError(`run.json: field "config": ${(e as Error).message}`);
    }
  }
  const modelFiles = new Map(MODEL_FILES.filter((n) => files.has(n)).map((n) => [n, files.get(n)!]));
  return { modelFiles, metrics, record, config };
}
