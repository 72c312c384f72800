import { z } from "zod";
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

export class CheckpointError extends Error {
  override name = "CheckpointError";
}

const count = z.number().int().min(0);
/** The JSON in the metadata: checked field by field, since a checkpoint may come from disk. */
const checkpointMeta = z.object({
  version: z.literal(1),
  step: count,
  cursor: z.object({ epoch: count, position: count }),
  config: z.unknown(),
  optimizerStep: count,
  objectiveState: z.record(z.string(), z.array(z.number())),
});

function parseMeta(text: string): z.infer<typeof checkpointMeta> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`checkpoint metadata is not valid JSON: ${(e as Error).message}`);
  }
  const result = checkpointMeta.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new CheckpointError(
      `checkpoint metadata: field "${issue.path.join(".") || "(root)"}": ${issue.message}`,
    );
  }
  return result.data;
}

/** Reads a checkpoint; a broken file is a SafetensorsError, broken contents a CheckpointError. */
export function decodeCheckpoint(bytes: Uint8Array): TrainerCheckpoint {
  const { tensors, metadata } = readSafetensors(bytes);
  if (metadata.format !== "hardneg-checkpoint" || !metadata.checkpoint) {
    throw new CheckpointError("not a HardNeg Lab checkpoint (metadata.format is not hardneg-checkpoint)");
  }
  const meta = parseMeta(metadata.checkpoint);
  const m = tensors.get(MOMENT_M);
  const v = tensors.get(MOMENT_V);
  if (!m || !v) throw new CheckpointError("checkpoint has no optimizer moments");
  if (m.data.length !== v.data.length) {
    throw new CheckpointError(
      `checkpoint optimizer moments differ in size (${m.data.length} and ${v.data.length})`,
    );
  }
  let config: TrainerCheckpoint["config"];
  try {
    config = parseTrainConfig(meta.config);
  } catch (e) {
    throw new CheckpointError(`checkpoint metadata: ${(e as Error).message}`);
  }
  const params = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, t] of tensors) {
    if (name !== MOMENT_M && name !== MOMENT_V) params.set(name, { shape: t.shape, data: t.data });
  }
  return {
    version: 1,
    step: meta.step,
    cursor: meta.cursor,
    config,
    params,
    optimizer: { step: meta.optimizerStep, m: m.data, v: v.data },
    objectiveState: meta.objectiveState,
  };
}
