/**
 * Measures a model folder on the shapes world and writes its Hugging Face model card
 * (README.md) and the same numbers machine-readable (benchmark.json). Called by
 * scripts/pretrain-default.ts after training, or with `--phase card` to re-measure only.
 * The caller selects the tfjs backend.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { readModelFolder } from "../src/cli/files.js";
import { type ClipConfig, disposeClip, loadClip } from "../src/core/clip/index.js";
import { type BenchmarkResult, runBenchmark } from "../src/core/eval/benchmark.js";
import { loadBenchmarkData } from "../src/core/eval/dataFormats.js";

/** One measured run: which data, how many examples, which stream seed, and the result. */
export interface ModelCardBenchmark {
  data: string;
  n: number;
  seed: number;
  result: BenchmarkResult;
}

export interface ModelCardBenchmarks {
  backend: string;
  heldout: ModelCardBenchmark;
  train: ModelCardBenchmark;
}

/** The held-out measurement: unseen colour-shape pairs. The train one checks the training distribution. */
const HELDOUT = { data: "shapes-heldout", n: 500, seed: 0 };
const TRAIN = { data: "shapes-train", n: 500, seed: 12345 };

interface TrainingRecord {
  steps?: number;
  seed?: number;
  batchSize?: number;
  minutes?: number;
  backend?: string;
  config?: { lr?: number; warmupSteps?: number; weightDecay?: number; objective?: string };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Per-sample similarities rounded to 1e-6: enough to re-check a subset, a file a tenth the size. */
function compact(result: BenchmarkResult): BenchmarkResult {
  if (!result.perSample) return result;
  return {
    ...result,
    perSample: {
      positive: result.perSample.positive.map(round6),
      negatives: result.perSample.negatives.map((row) => row.map((x) => (x === null ? null : round6(x)))),
    },
  };
}

const percent = (x: number | null) => (x === null ? "n/a" : `${(100 * x).toFixed(1)}%`);

function resultsTable(heldout: BenchmarkResult, train: BenchmarkResult): string {
  const rows: [string, string, string][] = Object.keys(heldout.perType).map((name) => [
    `${name} accuracy (chance 50%)`,
    `${percent(heldout.perType[name])} (${heldout.perTypeCount[name]})`,
    `${percent(train.perType[name])} (${train.perTypeCount[name]})`,
  ]);
  const chance1 = percent(1 / heldout.candidates);
  const chance5 = percent(Math.min(1, 5 / heldout.candidates));
  rows.push(
    [`R@1 image→text (chance ${chance1})`, percent(heldout.r1_i2t), percent(train.r1_i2t)],
    [`R@5 image→text (chance ${chance5})`, percent(heldout.r5_i2t), percent(train.r5_i2t)],
    [`R@1 text→image (chance ${chance1})`, percent(heldout.r1_t2i), percent(train.r1_t2i)],
    [`R@5 text→image (chance ${chance5})`, percent(heldout.r5_t2i), percent(train.r5_t2i)],
  );
  return [
    `| metric | held-out (n = ${heldout.n}) | train distribution (n = ${train.n}) |`,
    "| --- | --- | --- |",
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

/** One sentence from the measured numbers; "near chance" only where the numbers say so. */
function summary(heldout: BenchmarkResult): string {
  const swaps = ["attributeSwap", "objectSwap"].filter((t) => heldout.perType[t] !== undefined);
  const swapText = swaps.map((t) => `${t} ${percent(heldout.perType[t])}`).join(", ");
  const nearChance = swaps.every((t) => {
    const a = heldout.perType[t];
    return a === null || Math.abs(a - 0.5) <= 0.1;
  });
  return (
    `On held-out scenes it retrieves the right caption among ${heldout.candidates} at ` +
    `R@1 ${percent(heldout.r1_i2t)} (image→text) and ${percent(heldout.r1_t2i)} (text→image), ` +
    `while on the swap negatives, which keep the caption's words and change only how they bind, ` +
    `it scores ${swapText} against a chance level of 50%` +
    (nearChance ? ": near chance, the signature of a bag of words." : ".")
  );
}

function parameterCount(model: Awaited<ReturnType<typeof loadClip>>): number {
  let total = 0;
  for (const t of model.params.values()) total += t.size;
  return total;
}

function architecture(config: ClipConfig, parameters: number): string {
  const t = config.text_config;
  const v = config.vision_config;
  return [
    "| | text tower | vision tower |",
    "| --- | --- | --- |",
    `| width | ${t.hidden_size} | ${v.hidden_size} |`,
    `| MLP width | ${t.intermediate_size} | ${v.intermediate_size} |`,
    `| layers | ${t.num_hidden_layers} | ${v.num_hidden_layers} |`,
    `| heads | ${t.num_attention_heads} | ${v.num_attention_heads} |`,
    `| input | ${t.max_position_embeddings} tokens, vocabulary ${t.vocab_size} | ${v.image_size}×${v.image_size} px, patch ${v.patch_size} |`,
    "",
    `Projection dimension ${config.projection_dim}; ${parameters.toLocaleString("en-US")} parameters in all.`,
  ].join("\n");
}

function trainingSection(training: TrainingRecord | undefined): string {
  const reproduce = "```bash\nnpx tsx scripts/pretrain-default.ts\n```";
  if (!training) return `No training record (training.json) was found next to the weights.\n\n${reproduce}`;
  const c = training.config ?? {};
  const items = [
    `- objective: ${c.objective ?? "clip"} (the plain CLIP contrastive loss, no hard negatives)`,
    `- steps: ${training.steps ?? "?"}, batch size: ${training.batchSize ?? "?"} (fresh scenes every batch)`,
    `- peak learning rate: ${c.lr ?? "?"}` +
      (c.warmupSteps !== undefined ? `, ${c.warmupSteps} warm-up steps then cosine decay` : "") +
      (c.weightDecay !== undefined ? `, weight decay ${c.weightDecay}` : ""),
    `- seed: ${training.seed ?? "?"}`,
    `- wall time: ${training.minutes ?? "?"} minutes on the tfjs ${training.backend ?? "?"} backend (CPU)`,
  ];
  return `${items.join("\n")}\n\nTo reproduce (deterministic from the seed on the wasm backend):\n\n${reproduce}`;
}

function modelCard(
  config: ClipConfig,
  parameters: number,
  training: TrainingRecord | undefined,
  measured: ModelCardBenchmarks,
): string {
  const heldout = measured.heldout.result;
  const train = measured.train.result;
  const size = config.vision_config.image_size;
  return `---
library_name: transformers
pipeline_tag: zero-shot-image-classification
tags:
  - clip
  - hard-negatives
  - synthetic
license: mit
---

# HardNeg Lab shapes CLIP

A small CLIP pretrained from scratch with the plain CLIP loss on HardNeg Lab's built-in
shapes world: ${size} px images of coloured, textured shapes in spatial relations, with
captions from a closed vocabulary (one token per word, with a byte-level fallback so any
text still tokenises). It is the lab's starting point: trained without hard negatives, it
is expected to behave like a bag of words, matching captions by their words rather than
by how the words bind.

${summary(heldout)}

## Architecture

${architecture(config, parameters)}

The weights, config and tokenizer are in Hugging Face's \`CLIPModel\` format
(\`model.safetensors\`, \`config.json\`, \`tokenizer.json\`, \`vocab.json\`, \`merges.txt\`).
Images are preprocessed as CLIP's image processor does with shortest edge and crop ${size}
and the OpenAI mean and standard deviation.

## Training

${trainingSection(training)}

## Evaluation

Measured with \`npm run cli -- eval --model <this folder> --data ${measured.heldout.data} --n ${measured.heldout.n} --seed ${measured.heldout.seed}\`
on the tfjs ${measured.backend} backend. Per-type accuracy is the share of examples whose
image is closer to its caption than to the negative of that type (a tie counts as wrong;
the number of examples with such a negative is in brackets). Retrieval ranks the true
caption (or image) among ${heldout.candidates} candidates, in consecutive groups.
Held-out scenes use colour-shape pairs never seen in training; the train-distribution
column uses fresh scenes (seed ${measured.train.seed}) of the training split.

${resultsTable(heldout, train)}

The same numbers, with every example's cosine similarities, are in \`benchmark.json\`.
`;
}

function readTraining(dir: string): TrainingRecord | undefined {
  const path = join(dir, "training.json");
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as TrainingRecord;
}

async function measure(
  model: Awaited<ReturnType<typeof loadClip>>,
  request: { data: string; n: number; seed: number },
): Promise<ModelCardBenchmark> {
  const data = await loadBenchmarkData(request.data, {
    n: request.n,
    seed: request.seed,
    imageSize: model.config.vision_config.image_size,
  });
  const result = await runBenchmark(model, data, { keepPerSample: true });
  return { ...request, result: compact(result) };
}

/**
 * Benchmarks the model at `dir` on shapes-heldout and shapes-train and writes
 * dir/README.md and dir/benchmark.json. `n` overrides the 500 examples (quick checks).
 */
export async function writeModelCard(dir: string, options: { n?: number } = {}): Promise<void> {
  const model = await loadClip(readModelFolder(dir));
  try {
    const n = options.n;
    const measured: ModelCardBenchmarks = {
      backend: tf.getBackend(),
      heldout: await measure(model, n ? { ...HELDOUT, n } : HELDOUT),
      train: await measure(model, n ? { ...TRAIN, n } : TRAIN),
    };
    writeFileSync(join(dir, "benchmark.json"), `${JSON.stringify(measured)}\n`);
    const card = modelCard(model.config, parameterCount(model), readTraining(dir), measured);
    writeFileSync(join(dir, "README.md"), card);
  } finally {
    disposeClip(model);
  }
}

/** The held-out measurement recorded in dir/benchmark.json (what the model card states). */
export function readModelCardNumbers(dir: string): ModelCardBenchmark {
  const path = join(dir, "benchmark.json");
  if (!existsSync(path)) throw new Error(`no benchmark.json in ${dir}: run writeModelCard first`);
  return (JSON.parse(readFileSync(path, "utf8")) as ModelCardBenchmarks).heldout;
}
