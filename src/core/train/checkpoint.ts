import { readSafetensors, writeSafetensors } from "../clip/safetensors.js";
import { parseTrainConfig } from "./config.js";
import type { TrainerCheckpoint } from "./trainer.js";

/**
 * A checkpoint is one safetensors file: the parameters under their HF names, the AdamW
 * moments as `optimizer.m` / `optimizer.v`, and the rest (step, data cursor, objective
 * state, config) as JSON in the metadata. One format for OPFS, IndexedDB and disk.
 */
const MOMENT_M = "optimizer.m";
const MOMENT_V = "optimizer.v";

export function encodeCheckpoint(ckpt: TrainerCheckpoint): Uint8Array {
  const tensors = new Map(ckpt.params);
  tensors.set(MOMENT_M, { shape: [ckpt.optimizer.m.length], data: ckpt.optimizer.m });
  tensors.set(MOMENT_V, { shape: [ckpt.optimizer.v.length], data: ckpt.optimizer.v });
  const meta = {
    version: ckpt.version,
    step: ckpt.step,
    cursor: ckpt.cursor,
    config: ckpt.config,
    optimizerStep: ckpt.optimizer.step,
    objectiveState: ckpt.objectiveState,
  };
  return writeSafetensors(tensors, { format: "hardneg-checkpoint", checkpoint: JSON.stringify(meta) });
}

export function decodeCheckpoint(bytes: Uint8Array): TrainerCheckpoint {
  const { tensors, metadata } = readSafetensors(bytes);
  if (metadata.format !== "hardneg-checkpoint" || !metadata.checkpoint) {
    throw new Error("not a HardNeg Lab checkpoint (metadata.format is not hardneg-checkpoint)");
  }
  const meta = JSON.parse(metadata.checkpoint);
  if (meta.version !== 1) throw new Error(`checkpoint version ${meta.version} is not supported`);
  const m = tensors.get(MOMENT_M);
  const v = tensors.get(MOMENT_V);
  if (!m || !v) throw new Error("checkpoint has no optimizer moments");
  const params = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, t] of tensors) {
    if (name !== MOMENT_M && name !== MOMENT_V) params.set(name, { shape: t.shape, data: t.data });
  }
  return {
    version: 1,
    step: meta.step,
    cursor: meta.cursor,
    config: parseTrainConfig(meta.config),
    params,
    optimizer: { step: meta.optimizerStep, m: m.data, v: v.data },
    objectiveState: meta.objectiveState,
  };
}
