import { z } from "zod";
import type { ClipConfig } from "../clip/config.js";
import { isLoraFactor } from "../clip/lora.js";

/**
 * One serialisable record of every training setting (written to run.json, the URL and
 * checkpoints). Defaults follow the CE-CLIP recipe, scaled for the small built-in model.
 */
export const freezeSchema = z.object({
  textTower: z.boolean().default(false).describe("Keep the whole text tower fixed"),
  visionTower: z.boolean().default(false).describe("Keep the whole vision tower fixed"),
  embeddings: z.boolean().default(false).describe("Keep token, position, patch and class embeddings fixed"),
  firstBlocks: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe("Keep the first n transformer blocks of each tower fixed"),
  lastBlocks: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe(
      "Train only the last n transformer blocks of each tower, the final LayerNorms, the projections and the logit scale (0: off)",
    ),
});

/** LoRA adapters (../clip/lora.ts); with rank > 0 only the adapters train, and an export merges them. */
export const loraSchema = z.object({
  rank: z
    .number()
    .int()
    .min(0)
    .max(256)
    .default(0)
    .describe("LoRA rank r on attention (q, k, v, out) and MLP projections of both towers (0: off)"),
  alpha: z.number().positive().default(16).describe("LoRA alpha: the low-rank update is scaled by alpha / r"),
});

export const trainConfigSchema = z.object({
  objective: z.string().default("ceclip").describe("Training objective"),
  objectiveOptions: z.record(z.string(), z.unknown()).default({}).describe("Options of the objective"),
  steps: z.number().int().positive().default(1000).describe("Optimizer steps in the run"),
  batchSize: z.number().int().positive().default(64).describe("Image-caption pairs per step"),
  lr: z.number().positive().default(1e-3).describe("Peak learning rate"),
  warmupSteps: z.number().int().min(0).default(50).describe("Linear warm-up steps before cosine decay"),
  minLr: z.number().min(0).default(0).describe("Learning rate at the end of the cosine decay"),
  decaySteps: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe("Cosine horizon in steps (0: the run's steps); longer keeps the rate up, which the cure needs"),
  weightDecay: z.number().min(0).default(0.1).describe("Decoupled weight decay on matrices"),
  beta1: z.number().min(0).max(1).default(0.9).describe("AdamW beta1"),
  beta2: z.number().min(0).max(1).default(0.98).describe("AdamW beta2"),
  eps: z.number().positive().default(1e-6).describe("AdamW epsilon"),
  clipNorm: z.number().min(0).default(0).describe("Clip the global gradient norm (0: off)"),
  seed: z.number().int().default(0).describe("Seed of data order"),
  freeze: freezeSchema.default(freezeSchema.parse({})),
  lora: loraSchema.default(loraSchema.parse({})),
  evalEvery: z.number().int().min(0).default(100).describe("Held-out evaluation every n steps (0: off)"),
  checkpointEvery: z.number().int().min(0).default(100).describe("Checkpoint every n steps (0: off)"),
});

export type TrainConfig = z.infer<typeof trainConfigSchema>;
export type FreezeConfig = z.infer<typeof freezeSchema>;
export type LoraConfig = z.infer<typeof loraSchema>;

export function parseTrainConfig(input: unknown): TrainConfig {
  const result = trainConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`training option "${issue.path.join(".")}": ${issue.message}`);
  }
  return result.data;
}

/**
 * Whether a parameter trains under the freezing options. `lastBlocks` needs the model config
 * (the towers' depths); with LoRA (rank > 0) only the adapters of unfrozen towers train.
 */
export function isTrainable(
  name: string,
  freeze: FreezeConfig,
  model?: ClipConfig,
  lora?: LoraConfig,
): boolean {
  if (freeze.textTower && (name.startsWith("text_model.") || name === "text_projection.weight")) return false;
  if (freeze.visionTower && (name.startsWith("vision_model.") || name === "visual_projection.weight"))
    return false;
  if (lora && lora.rank > 0) return isLoraFactor(name);
  if (freeze.embeddings && /\.embeddings\./.test(name)) return false;
  const block = /\.encoder\.layers\.(\d+)\./.exec(name);
  if (block && Number(block[1]) < freeze.firstBlocks) return false;
  const tower = name.startsWith("text_model.")
    ? model?.text_config
    : name.startsWith("vision_model.")
      ? model?.vision_config
      : undefined;
  if (freeze.lastBlocks > 0 && tower) {
    if (block) return Number(block[1]) >= tower.num_hidden_layers - freeze.lastBlocks;
    return /\.(final_layer_norm|post_layernorm)\./.test(name);
  }
  return true;
}

/** logit_scale is clamped to [0, ln 100] after every step (CLIP's rule). */
export const LOGIT_SCALE_MAX = Math.log(100);
