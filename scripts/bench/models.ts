import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { writeTokenizerFiles } from "../../src/core/clip/tokenizer.js";
import { buildWordVocabulary } from "../../src/core/clip/vocabulary.js";
import { shapesWorldWords } from "../../src/core/data/shapesWorld/index.js";
import type { BenchModelSpec } from "../../src/core/train/benchStep.js";

export interface BenchModel {
  id: "default" | "fixture" | "small";
  label: string;
  spec: BenchModelSpec;
  /** The HF folder the spec was read from (folder models), for PyTorch's bench-step. */
  dir?: string;
}

const FIXTURE_DIR = "test/fixtures/hf_tiny_clip";
const DEFAULT_DIR = "public/models/shapes-clip";
const MODEL_FILES = [
  "config.json",
  "model.safetensors",
  "tokenizer.json",
  "tokenizer_config.json",
  "vocab.json",
  "merges.txt",
];

/** An HF model folder's files, base64-encoded for page.evaluate. */
function folderSpec(dir: string): BenchModelSpec {
  const files = Object.fromEntries(
    MODEL_FILES.map((name) => [name, readFileSync(join(dir, name)).toString("base64")]),
  );
  return { kind: "files", files };
}

/** The app's default model, read from its folder at run time (its architecture may change). */
export function defaultModel(dir = DEFAULT_DIR): BenchModel {
  return { id: "default", label: "shapes-clip (default)", spec: folderSpec(dir), dir };
}

/** Where and with what a bench ran: other load on the machine skews timings, so it is recorded. */
export function benchEnvironment(tfjsVersion: string): Record<string, unknown> {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    loadAverage1m: Number(loadavg()[0].toFixed(2)),
    tfjs: tfjsVersion,
  };
}

/** The HF fixture (32 px, widths 48/64, 2 layers). */
export function fixtureModel(): BenchModel {
  return { id: "fixture", label: "hf_tiny_clip (fixture)", spec: folderSpec(FIXTURE_DIR), dir: FIXTURE_DIR };
}

const SMALL_CONTEXT = 24;

/** A ~2M-parameter CLIP: 64 px, patch 8, width 128, 4 layers and 4 heads per tower, context 24. */
export function smallModel(): BenchModel {
  const { vocab, merges } = buildWordVocabulary(shapesWorldWords());
  const tokenizerFiles = writeTokenizerFiles(vocab, merges, { modelMaxLength: SMALL_CONTEXT });
  const eos = vocab["<|endoftext|>"];
  const tower = { hidden_size: 128, intermediate_size: 512, num_hidden_layers: 4, num_attention_heads: 4 };
  const config = {
    architectures: ["CLIPModel"],
    model_type: "clip",
    projection_dim: 128,
    logit_scale_init_value: 2.6592,
    text_config: {
      ...tower,
      vocab_size: Object.keys(vocab).length,
      max_position_embeddings: SMALL_CONTEXT,
      hidden_act: "quick_gelu",
      pad_token_id: eos,
      bos_token_id: vocab["<|startoftext|>"],
      eos_token_id: eos,
      projection_dim: 128,
    },
    vision_config: { ...tower, image_size: 64, patch_size: 8, hidden_act: "quick_gelu", projection_dim: 128 },
  };
  return {
    id: "small",
    label: "from scratch 64px w128 L4",
    spec: { kind: "scratch", config, tokenizerFiles, seed: 0 },
  };
}
