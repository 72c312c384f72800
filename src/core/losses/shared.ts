import * as tf from "@tensorflow/tfjs";
import { matMulFast } from "../clip/ops.js";
import type { ObjectiveInputs } from "./objective.js";

/**
 * Building blocks shared by every objective. All functions are pure tensor ops meant to run
 * inside the caller's `tf.tidy` (they create intermediates and return new tensors).
 */

/**
 * Row-wise L2 normalisation, x / max(||x||, 1e-12) as torch's F.normalize. The norm is
 * taken as sqrt(max(sum x^2, 1e-24)) so a zero row has a finite gradient (as in torch)
 * instead of NaN from sqrt's derivative at 0; objectives that must ignore a zero row mask
 * its logits.
 */
export function l2Normalize<T extends tf.Tensor>(x: T): T {
  const sumSq = tf.sum(tf.square(x), -1, true);
  return tf.div(x, tf.sqrt(tf.maximum(sumSq, 1e-24))) as T;
}

/** s = exp(logit_scale_log). */
export function logitScale(logitScaleLog: tf.Scalar): tf.Scalar {
  return tf.exp(logitScaleLog);
}

/** s * a @ b^T: [Na, D] x [Nb, D] -> [Na, Nb] logits. */
export function scaledSimilarity(a: tf.Tensor2D, b: tf.Tensor2D, scale: tf.Scalar): tf.Tensor2D {
  return tf.mul(matMulFast(a, tf.transpose(b)), scale);
}

/** s * <a_i, b_i> for matching rows: [N, D] x [N, D] -> [N]. */
export function pairLogits(a: tf.Tensor2D, b: tf.Tensor2D, scale: tf.Scalar): tf.Tensor1D {
  return tf.mul(tf.sum(tf.mul(a, b), 1), scale);
}

/**
 * s * <v_i, n_ik> of each anchor with its own K negatives: [N, D] x [N*K, D] (sample-major)
 * -> [N, K].
 */
export function ownNegativeLogits(
  anchors: tf.Tensor2D,
  negatives: tf.Tensor2D,
  numNegativeTypes: number,
  scale: tf.Scalar,
): tf.Tensor2D {
  const [n, d] = anchors.shape;
  const grouped = tf.reshape(negatives, [n, numNegativeTypes, d]);
  const dots = tf.sum(tf.mul(grouped, tf.expandDims(anchors, 1)), 2) as tf.Tensor2D;
  return tf.mul(dots, scale);
}

/** Per-row softmax cross-entropy -log softmax(logits)[r, target_r]: [R, C] -> [R]. */
export function crossEntropyPerRow(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  const oneHot = tf.oneHot(tf.cast(targets, "int32"), logits.shape[1]);
  return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)) as tf.Tensor1D;
}

/** Mean-reduced softmax cross-entropy with integer targets (PyTorch's F.cross_entropy). */
export function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  return tf.mean(crossEntropyPerRow(logits, targets));
}

/** Targets 0..n-1: each row's positive sits on the diagonal. */
export function diagonalTargets(n: number): tf.Tensor1D {
  return tf.range(0, n, 1, "int32");
}

/** The same target column for every row. */
export function constantTargets(n: number, column: number): tf.Tensor1D {
  return tf.fill([n], column, "int32") as tf.Tensor1D;
}

/** The validity mask, all ones when the batch did not give one. */
export function validMaskOrOnes(inputs: ObjectiveInputs): tf.Tensor2D {
  return inputs.validMask ?? tf.ones([inputs.imageEmb.shape[0], inputs.numNegativeTypes]);
}

/** The hard negatives, or a clear error for objectives that cannot run without them. */
export function requireHardNegatives(inputs: ObjectiveInputs, objectiveName: string): tf.Tensor2D {
  const negatives = inputs.hardNegEmb;
  const expectedRows = inputs.imageEmb.shape[0] * inputs.numNegativeTypes;
  if (!negatives || inputs.numNegativeTypes < 1) {
    throw new Error(`${objectiveName} needs hard negatives (hardNegEmb with numNegativeTypes >= 1)`);
  }
  if (negatives.shape[0] !== expectedRows) {
    throw new Error(
      `${objectiveName}: hardNegEmb has ${negatives.shape[0]} rows, expected N*K = ${expectedRows}`,
    );
  }
  return negatives;
}

/** The normalised global features every objective starts from. */
export interface NormalizedFeatures {
  images: tf.Tensor2D;
  texts: tf.Tensor2D;
  scale: tf.Scalar;
}

export function normalizeFeatures(inputs: ObjectiveInputs): NormalizedFeatures {
  return {
    images: l2Normalize(inputs.imageEmb),
    texts: l2Normalize(inputs.textEmb),
    scale: logitScale(inputs.logitScaleLog),
  };
}
