/**
 * Trains the built-in default model from scratch: a small CLIP on the shapes world's train
 * split with the plain CLIP loss (no hard negatives), so it learns retrieval but stays a
 * bag of words. Writes an HF-format folder to public/models/shapes-clip/.
 *
 *   npx tsx scripts/pretrain-default.ts [--steps 10000] [--seed 0] [--out public/models/shapes-clip]
 *   npx tsx scripts/pretrain-default.ts --phase card      # re-measure and rewrite the model card only
 *
 * Deterministic from its seed on the wasm backend (single-threaded).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { createClipFromScratch } from "../src/core/clip/create.js";
import { exportClipFiles } from "../src/core/clip/index.js";
import { writeTokenizerFiles } from "../src/core/clip/tokenizer.js";
import { buildWordVocabulary } from "../src/core/clip/vocabulary.js";
import { shapesWorldWords } from "../src/core/data/shapesWorld/index.js";
import { shapesExampleSource } from "../src/core/data/shapesWorld/source.js";
import { parseTrainConfig } from "../src/core/train/config.js";
import { metricsToCsv } from "../src/core/train/metricsCsv.js";
import type { StepMetrics } from "../src/core/train/trainer.js";
import { Trainer } from "../src/core/train/trainer.js";

/** The default model's shape: chosen to pretrain within the 60-minute budget on 2 cores. */
export const CONTEXT_LENGTH = 24;
export const IMAGE_SIZE = 32;

export function defaultModelFiles() {
  const { vocab, merges } = buildWordVocabulary(shapesWorldWords());
  const tokenizerFiles = writeTokenizerFiles(vocab, merges, { modelMaxLength: CONTEXT_LENGTH });
  const eos = vocab["<|endoftext|>"];
  const config = {
    architectures: ["CLIPModel"],
    model_type: "clip",
    projection_dim: 64,
    logit_scale_init_value: 2.6592,
    initializer_factor: 1.0,
    text_config: {
      model_type: "clip_text_model",
      vocab_size: Object.keys(vocab).length,
      hidden_size: 64,
      intermediate_size: 256,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      max_position_embeddings: CONTEXT_LENGTH,
      hidden_act: "quick_gelu",
      layer_norm_eps: 1e-5,
      pad_token_id: eos,
      bos_token_id: vocab["<|startoftext|>"],
      eos_token_id: eos,
      projection_dim: 64,
    },
    vision_config: {
      model_type: "clip_vision_model",
      hidden_size: 64,
      intermediate_size: 256,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      image_size: IMAGE_SIZE,
      patch_size: 8,
      num_channels: 3,
      hidden_act: "quick_gelu",
      layer_norm_eps: 1e-5,
      projection_dim: 64,
    },
  };
  return { config, tokenizerFiles };
}

/** The pretraining run: the model from scratch and its trainer, both fixed by the seed. */
export function pretrainingRun(seed: number, steps: number, batchSize: number) {
  const { config, tokenizerFiles } = defaultModelFiles();
  const model = createClipFromScratch(config, tokenizerFiles, seed);
  // Fresh scenes every batch: the stream is as long as the run.
  const source = shapesExampleSource({
    split: "train",
    seed,
    size: steps * batchSize,
    imageSize: IMAGE_SIZE,
  });
  const trainConfig = parseTrainConfig({
    objective: "clip",
    steps,
    batchSize,
    lr: 1e-3,
    warmupSteps: 200,
    weightDecay: 0.1,
    seed,
    evalEvery: 0,
    checkpointEvery: 0,
  });
  const trainer = new Trainer(model.params, model.config, model.tokenizer, source, trainConfig);
  return { model, trainer, trainConfig };
}

async function train(steps: number, seed: number, batchSize: number, outDir: string) {
  const started = performance.now();
  const { model, trainer, trainConfig } = pretrainingRun(seed, steps, batchSize);
  console.log(
    `pretraining ${trainer.trainableParameterCount.toLocaleString()} parameters for ${steps} steps`,
  );
  const metrics: StepMetrics[] = [];
  for (let s = 0; s < steps; s++) {
    trainer.step();
    if ((s + 1) % 20 === 0 || s === steps - 1) {
      const read = await trainer.readMetrics();
      metrics.push(...read);
      if ((s + 1) % 100 === 0 || s === steps - 1) {
        const last = read[read.length - 1];
        const elapsed = (performance.now() - started) / 1000;
        const eta = (elapsed / (s + 1)) * (steps - s - 1);
        console.log(
          `step ${s + 1}/${steps} loss ${last.loss.toFixed(4)} scale ${last.logitScale.toFixed(2)} ` +
            `lr ${last.lr.toExponential(2)} ${elapsed.toFixed(0)} s (ETA ${eta.toFixed(0)} s)`,
        );
      }
    }
  }
  mkdirSync(outDir, { recursive: true });
  const files = await exportClipFiles(model, {
    format: "pt",
    trained_by: "HardNeg Lab scripts/pretrain-default.ts",
  });
  for (const [name, bytes] of files) writeFileSync(join(outDir, name), bytes);
  writeFileSync(join(outDir, "metrics.csv"), metricsToCsv(metrics));
  const minutes = (performance.now() - started) / 60_000;
  writeFileSync(
    join(outDir, "training.json"),
    `${JSON.stringify({ steps, seed, batchSize, minutes: Number(minutes.toFixed(1)), backend: tf.getBackend(), config: trainConfig }, null, 2)}\n`,
  );
  console.log(`wrote ${outDir} in ${minutes.toFixed(1)} minutes`);
  trainer.dispose();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      steps: { type: "string", default: "10000" },
      seed: { type: "string", default: "0" },
      batch: { type: "string", default: "64" },
      out: { type: "string", default: "public/models/shapes-clip" },
      phase: { type: "string", default: "all" },
    },
  });
  const outDir = values.out;
  await tf.setBackend("wasm");
  if (values.phase === "all" || values.phase === "train")
    await train(Number(values.steps), Number(values.seed), Number(values.batch), outDir);
  if (values.phase === "all" || values.phase === "card") {
    const { writeModelCard } = await import("./modelCard.js");
    await writeModelCard(outDir);
  }
}
