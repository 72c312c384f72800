import * as tf from "@tensorflow/tfjs";

/**
 * CE-CLIP's per-type adaptive threshold theta_k (logit units), carried from step to step.
 * Everything here is detached bookkeeping: none of it feeds the loss being differentiated.
 */

export const thresholdTypes = ["mean", "max", "fixed"] as const;
export type ThresholdType = (typeof thresholdTypes)[number];

export interface ThresholdRule {
  thresholdType: ThresholdType;
  upperBound: number;
  fixedThreshold: number;
}

/** theta at the start of training / of an epoch: 0, or the constant for `fixed`. */
export function initialThresholds(rule: ThresholdRule, numNegativeTypes: number): tf.Tensor1D {
  const start = rule.thresholdType === "fixed" ? rule.fixedThreshold : 0;
  return tf.fill([numNegativeTypes], start) as tf.Tensor1D;
}

/** Per negative type: how many samples have a valid negative, as float [K]. */
export function validCountPerType(mask: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(mask, 0);
}

/**
 * mean_i g_i - mean_{i: m_ik = 1} h_ik per type [K]; NaN for a type with no valid sample
 * (there is no gap to measure). `h` is already masked.
 */
export function meanGapPerType(g: tf.Tensor1D, h: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  const count = validCountPerType(mask);
  const meanNegative = tf.div(tf.sum(h, 0), tf.maximum(count, 1));
  const gap = tf.sub(tf.mean(g), meanNegative);
  return tf.where(tf.greater(count, 0), gap, tf.fill(gap.shape, Number.NaN)) as tf.Tensor1D;
}

/**
 * theta for the next step. `mean`: clamp(mean_i g_i - mean_valid h_ik, 0, upperBound);
 * `max`: clamp(max_i (g_i m_ik - h_ik) / 5, 0, upperBound); `fixed`: unchanged. A type with
 * no valid sample in the batch keeps its previous theta (the original code yields NaN).
 * Always returns a fresh tensor.
 */
export function nextThresholds(
  previous: tf.Tensor1D,
  g: tf.Tensor1D,
  h: tf.Tensor2D,
  mask: tf.Tensor2D,
  rule: ThresholdRule,
): tf.Tensor1D {
  if (rule.thresholdType === "fixed") return tf.clone(previous);
  const candidate =
    rule.thresholdType === "mean"
      ? meanGapPerType(g, h, mask)
      : tf.div(tf.max(tf.sub(tf.mul(tf.expandDims(g, 1), mask), h), 0), 5);
  const clamped = tf.clipByValue(candidate, 0, rule.upperBound);
  return tf.where(tf.greater(validCountPerType(mask), 0), clamped, previous) as tf.Tensor1D;
}
