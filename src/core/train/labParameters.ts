import * as tf from "@tensorflow/tfjs";
import { isLabParameter } from "../clip/index.js";
import type { ClipParams } from "../clip/model.js";

/**
 * Parameters the trainer adds to the model's map under lab-only names (the keyword head,
 * the visual dictionary, see clip/index.ts): the trainer owns them, checkpoints keep them,
 * the HF export leaves them out.
 */

/** Takes every lab-only parameter out of the map and disposes it. */
export function removeLabParameters(params: ClipParams): void {
  for (const name of [...params.keys()].filter(isLabParameter)) {
    params.get(name)!.dispose();
    params.delete(name);
  }
}

/**
 * Puts the checkpoint's untrained lab-only parameters (the visual dictionary, built under
 * the run's starting weights) into the map as saved, replacing whatever is there.
 */
export function restoreFixedLabParameters(
  params: ClipParams,
  trainable: ReadonlyMap<string, tf.Variable>,
  saved: ReadonlyMap<string, { shape: number[]; data: Float32Array }>,
): void {
  for (const [name, { shape, data }] of saved) {
    if (!isLabParameter(name) || trainable.has(name)) continue;
    params.get(name)?.dispose();
    const values = tf.tensor(data, shape);
    params.set(name, tf.variable(values, false));
    values.dispose();
  }
}
