import * as tf from "@tensorflow/tfjs";
import * as Comlink from "comlink";
import {
  type ClipConfig,
  disposeClip,
  exportClipFiles,
  type LoadedClip,
  loadClip,
} from "../core/clip/index.js";
import type { BenchmarkResult } from "../core/eval/benchmark.js";
import { stripCommonFolder, unzipFiles, zipFiles } from "../core/io/zip.js";
import type { TrainConfig } from "../core/train/config.js";
import { metricsToCsv } from "../core/train/metricsCsv.js";
import type { StepMetrics } from "../core/train/trainer.js";
import { modelSummary, requireModel, session } from "./session.js";
import { type TrainingEvent, trainingApi } from "./trainingApi.js";

/** A frozen copy of a model: plain tensors (not variables), sharing config and tokenizer. */
export function snapshotModel(model: LoadedClip): LoadedClip {
  const params = new Map<string, tf.Tensor>();
  for (const [name, t] of model.params) params.set(name, tf.clone(t));
  return { ...model, params };
}

/** exp(logit_scale): the factor from cosine similarity to logit. */
export async function logitScaleOf(model: LoadedClip): Promise<number> {
  const t = model.params.get("logit_scale");
  if (!t) throw new Error("the model has no logit_scale parameter");
  return Math.exp((await t.data())[0]);
}

/** Same parameter names and shapes: weights of one can stand in for the other. */
export function sameArchitecture(a: LoadedClip, b: LoadedClip): boolean {
  if (a.params.size !== b.params.size) return false;
  for (const [name, t] of a.params) {
    const other = b.params.get(name);
    if (!other || other.shape.join() !== t.shape.join()) return false;
  }
  return JSON.stringify(a.config) === JSON.stringify(b.config);
}

/**
 * After session.model was replaced: the base becomes a frozen copy of the new weights (the
 * old base is freed), unless `keepBase` and a base exists.
 */
export function adoptNewModel(options: { keepBase?: boolean } = {}): void {
  if (options.keepBase && session.baseModel) return;
  if (session.baseModel) disposeClip(session.baseModel);
  session.baseModel = session.model ? snapshotModel(session.model) : undefined;
}

/** A benchmark measurement kept for the model card: current model, and base when measured. */
export interface RecordedBenchmark {
  source: "benchmark panel" | "training evaluation";
  data: string;
  n: number;
  seed: number;
  step: number;
  base?: BenchmarkResult;
  current: BenchmarkResult;
}

/**
 * What the worker knows of the current run, gathered from the training events it emits:
 * the config, every step's metrics, the step reached and the latest benchmark. Reset when
 * another model loads.
 */
export const runRecord: {
  /**
   * Which weights' timeline the steps belong to: bumped when a model loads or a run starts on
   * weights an earlier run already changed (its step 0 is then another point than before).
   */
  run: number;
  config?: TrainConfig;
  metrics: StepMetrics[];
  step: number;
  benchmark?: RecordedBenchmark;
} = { run: 0, metrics: [], step: 0 };

export function resetRunRecord(): void {
  runRecord.run += 1;
  runRecord.config = undefined;
  runRecord.metrics = [];
  runRecord.step = 0;
  runRecord.benchmark = undefined;
}

/** A new run on the same model: its metrics start afresh; the benchmark stays until superseded. */
export function recordRunStart(config: TrainConfig): void {
  if (runRecord.step > 0 || runRecord.metrics.length > 0) runRecord.run += 1;
  runRecord.config = config;
  runRecord.metrics = [];
  runRecord.step = 0;
}

export function recordBenchmark(benchmark: RecordedBenchmark): void {
  runRecord.benchmark = benchmark;
}

export function recordTrainingEvent(event: TrainingEvent): void {
  if (event.type === "steps") {
    if (event.steps.length === 0) return;
    for (const s of event.steps) {
      const { msPerStep: _ms, examplesPerSecond: _eps, numTensors: _nt, numBytes: _nb, ...metrics } = s;
      runRecord.metrics.push(metrics);
    }
    runRecord.step = event.steps[event.steps.length - 1].step + 1;
  } else if (event.type === "status") {
    runRecord.step = event.step;
  } else if (event.type === "eval") {
    const { perSample: _drop, ...current } = event.result;
    recordBenchmark({
      source: "training evaluation",
      data: "shapes-heldout",
      n: event.result.n,
      seed: 0,
      step: event.step,
      current,
    });
  }
}

/** theta_k of the last training step (CE-CLIP only), in logit units; null otherwise. */
export function latestThetas(numTypes: number): number[] | null {
  const last = runRecord.metrics[runRecord.metrics.length - 1];
  if (!last) return null;
  const thetas = Array.from({ length: numTypes }, (_, k) => last.terms[`theta_${k}`]);
  return thetas.every((t) => typeof t === "number" && Number.isFinite(t)) ? thetas : null;
}

const percent = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? "n/a" : `${(100 * x).toFixed(1)}%`;

/** Markdown table of a benchmark, current model against base where the base was measured. */
export function benchmarkTable(b: RecordedBenchmark): string {
  const base = b.base;
  const header = base
    ? "| metric | base | current |\n| --- | --- | --- |"
    : "| metric | current |\n| --- | --- |";
  const row = (name: string, pick: (r: BenchmarkResult) => number | null | undefined) =>
    base
      ? `| ${name} | ${percent(pick(base))} | ${percent(pick(b.current))} |`
      : `| ${name} | ${percent(pick(b.current))} |`;
  const rows = Object.keys(b.current.perType).map((type) =>
    row(`${type} accuracy (n = ${b.current.perTypeCount[type]}, chance 50%)`, (r) => r.perType[type]),
  );
  rows.push(
    row("R@1 image→text", (r) => r.r1_i2t),
    row("R@5 image→text", (r) => r.r5_i2t),
    row("R@1 text→image", (r) => r.r1_t2i),
    row("R@5 text→image", (r) => r.r5_t2i),
  );
  return `${header}\n${rows.join("\n")}`;
}

export interface ModelCardInput {
  modelName: string;
  config: ClipConfig;
  parameters: number;
  step: number;
  runConfig?: TrainConfig;
  benchmark?: RecordedBenchmark;
  backend?: string;
}

/** The README.md model card of an exported model: what it is, the run's settings and its numbers. */
export function modelCardMarkdown(input: ModelCardInput): string {
  const { config, runConfig, benchmark } = input;
  const t = config.text_config;
  const v = config.vision_config;
  const objective = runConfig?.objective ?? "none";
  const training = runConfig
    ? [
        `Fine-tuned in the browser with HardNeg Lab for ${input.step} steps with the \`${objective}\` objective` +
          ` on the built-in shapes world (train split)${input.backend ? `, tfjs ${input.backend} backend` : ""}.`,
        "",
        "Run configuration (`run.json` has it too; `metrics.csv` has every step's loss terms):",
        "",
        "```json",
        JSON.stringify(runConfig, null, 2),
        "```",
      ].join("\n")
    : "No training run was recorded for these weights in this session: they are the loaded weights.";
  const evaluation = benchmark
    ? [
        `Shapes-world benchmark (${benchmark.data}, n = ${benchmark.n}, seed ${benchmark.seed}), measured at step ` +
          `${benchmark.step} by the ${benchmark.source}. Per-type accuracy is the share of examples whose image` +
          " is closer to its caption than to its negative of that type; retrieval ranks the true caption" +
          ` (or image) among ${benchmark.current.candidates} candidates.`,
        "",
        benchmarkTable(benchmark),
      ].join("\n")
    : "No benchmark was run before this export.";
  return `---
library_name: transformers
pipeline_tag: zero-shot-image-classification
tags:
  - clip
  - hard-negatives
  - hardneg-lab
---

# ${input.modelName} (HardNeg Lab export)

A CLIP model in Hugging Face's \`CLIPModel\` format (\`config.json\`, \`model.safetensors\`,
tokenizer files), exported from HardNeg Lab.

## Model

- ${input.parameters.toLocaleString("en-US")} parameters, projection dimension ${config.projection_dim}
- text tower: ${t.num_hidden_layers} layers, width ${t.hidden_size}, ${t.max_position_embeddings} tokens
- vision tower: ${v.num_hidden_layers} layers, width ${v.hidden_size}, ${v.image_size}×${v.image_size} px, patch ${v.patch_size}

## Training

${training}

## Evaluation

${evaluation}
`;
}

/** Import limits: HF CLIP checkpoints reach ~1.7 GB (ViT-L/14); a handful of files. */
export const IMPORT_LIMITS = { maxTotalBytes: 2 * 1024 ** 3, maxFiles: 64 };

/** Everything the export zip holds, by name (exposed for tests). */
export async function exportFiles(
  model: LoadedClip,
  options: { modelName?: string; backend?: string } = {},
): Promise<Map<string, Uint8Array>> {
  const modelName = options.modelName ?? session.modelName ?? "model";
  // A synchronous copy: a training step cannot land between reading two tensors.
  const frozen = snapshotModel(model);
  try {
    const files = await exportClipFiles(frozen, { format: "pt", exported_by: "hardneg-lab" });
    const { parameters } = modelSummary(frozen);
    const encoder = new TextEncoder();
    const card = modelCardMarkdown({
      modelName,
      config: model.config,
      parameters,
      step: runRecord.step,
      runConfig: runRecord.config,
      benchmark: runRecord.benchmark,
      backend: options.backend,
    });
    files.set("README.md", encoder.encode(card));
    files.set("metrics.csv", encoder.encode(metricsToCsv(runRecord.metrics)));
    const benchmark = runRecord.benchmark && {
      ...runRecord.benchmark,
      base: runRecord.benchmark.base && { ...runRecord.benchmark.base, perSample: undefined },
      current: { ...runRecord.benchmark.current, perSample: undefined },
    };
    const run = {
      app: "hardneg-lab",
      exportedAt: new Date().toISOString(),
      modelName,
      parameters,
      step: runRecord.step,
      backend: options.backend,
      trainConfig: runRecord.config ?? null,
      lastMetrics: runRecord.metrics[runRecord.metrics.length - 1] ?? null,
      benchmark: benchmark ?? null,
    };
    files.set("run.json", encoder.encode(`${JSON.stringify(run, null, 2)}\n`));
    return files;
  } finally {
    disposeClip(frozen);
  }
}

/** Model files from an exported zip (or any zip of an HF CLIP folder). */
export function modelFilesFromZip(bytes: Uint8Array): Map<string, Uint8Array> {
  const files = stripCommonFolder(unzipFiles(bytes, IMPORT_LIMITS));
  if (!files.has("config.json") || !files.has("model.safetensors"))
    throw new Error(
      `the zip holds no model: config.json and model.safetensors are needed, found ${[...files.keys()].join(", ") || "nothing"}`,
    );
  return files;
}

export const exportApi = {
  /** Steps the current weights have been trained in this run (also after the run stopped). */
  runStep(): number {
    return runRecord.step;
  },

  /** The current model as an HF-format zip with README.md model card, metrics.csv and run.json. */
  async exportModelZip(options: { modelName?: string } = {}): Promise<Uint8Array> {
    const files = await exportFiles(requireModel(), { ...options, backend: session.backend?.backend });
    const bytes = zipFiles(files);
    return Comlink.transfer(bytes, [bytes.buffer]);
  },

  /**
   * Loads a model zip as the current model (ending any run). The base stays the model loaded
   * before when the architectures match (to compare an imported fine-tune with its base);
   * otherwise the imported weights become the base too.
   */
  async importModelZip(bytes: Uint8Array, options: { name?: string } = {}) {
    return importModelFiles(modelFilesFromZip(bytes), options);
  },
};

/**
 * Loads an HF model folder's files as the current model (ending any run); the base is kept
 * when the architectures match. Shared by the model zip and the finished-run import.
 */
export async function importModelFiles(files: Map<string, Uint8Array>, options: { name?: string } = {}) {
  await trainingApi.stop();
  const next = await loadClip(files, { trainable: true });
  const keepBase = Boolean(session.baseModel && sameArchitecture(session.baseModel, next));
  if (session.model) disposeClip(session.model);
  session.model = next;
  session.modelName = options.name ?? session.modelName;
  adoptNewModel({ keepBase });
  resetRunRecord();
  return { ...modelSummary(next), keptBase: keepBase, numTensors: tf.memory().numTensors };
}
