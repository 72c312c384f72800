import type { LoadedClip } from "../core/clip/index.js";
import type { BackendReport } from "./backend.js";

/**
 * What the worker holds between requests: one backend, one model (trainable variables) and
 * `baseModel`, a frozen copy of that model's weights as loaded (plain tensors, sharing the
 * config and tokenizer), so panels can compare base and current. Replaced on every load.
 */
export const session: {
  backend?: BackendReport;
  model?: LoadedClip;
  baseModel?: LoadedClip;
  modelName?: string;
} = {};

export function requireModel(): LoadedClip {
  if (!session.model) throw new Error("no model is loaded");
  return session.model;
}

export interface ModelSummary {
  parameters: number;
  imageSize: number;
  contextLength: number;
  projectionDim: number;
  warnings: string[];
}

export function modelSummary(model: LoadedClip): ModelSummary {
  let parameters = 0;
  for (const t of model.params.values()) parameters += t.size;
  return {
    parameters,
    imageSize: model.config.vision_config.image_size,
    contextLength: model.config.text_config.max_position_embeddings,
    projectionDim: model.config.projection_dim,
    warnings: model.warnings,
  };
}
