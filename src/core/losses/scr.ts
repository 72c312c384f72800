import * as tf from "@tensorflow/tfjs";

/**
 * FSC-CLIP's selective calibrated regularisation scr(z, m) (docs/methods.md): a focal,
 * label-smoothed cross-entropy over [positive | own negatives] whose smoothing mass goes to
 * the valid classes only. For row r with n = 1 + sum_k m_rk:
 * y_0 = (1 - eps) + eps / n, y_k = (eps / n) m_k, loss_r = -sum_c y_c (1 - p_c)^gamma log p_c,
 * p = softmax(z_r). An invalid class keeps its logit in the softmax (the caller sets it to
 * 0) but gets no target mass.
 */

export interface ScrOptions {
  focalGamma: number;
  labelSmoothing: number;
}

export interface ScrResult {
  /** Mean of `perRow` over the rows that have at least one valid negative (0 if none). */
  loss: tf.Scalar;
  /** [R] loss of every row, dropped rows included. */
  perRow: tf.Tensor1D;
  /** [R] 1 where the row has a valid negative and counts in the mean. */
  counted: tf.Tensor1D;
}

/** `logits` [R, 1 + K] with the positive in column 0, `mask` [R, K]. */
export function selectiveCalibratedRegularization(
  logits: tf.Tensor2D,
  mask: tf.Tensor2D,
  { focalGamma, labelSmoothing }: ScrOptions,
): ScrResult {
  const [rows, classes] = logits.shape;
  const validNegatives = tf.sum(mask, 1, true); // [R, 1]
  const smoothingShare = tf.div(labelSmoothing, tf.add(validNegatives, 1));
  const validClasses = tf.concat([tf.ones([rows, 1]), mask], 1);
  const positive = tf.oneHot(tf.zeros([rows], "int32"), classes);
  const targets = tf.add(tf.mul(validClasses, smoothingShare), tf.mul(positive, 1 - labelSmoothing));

  const logP = tf.logSoftmax(logits);
  // gamma = 0 is plain cross-entropy; pow(0, -1) in pow's gradient would give 0 * inf there.
  const focal = focalGamma === 0 ? logP : tf.mul(tf.pow(tf.sub(1, tf.exp(logP)), focalGamma), logP);
  const perRow = tf.neg(tf.sum(tf.mul(targets, focal), 1)) as tf.Tensor1D;

  const counted = tf.cast(tf.greater(tf.squeeze(validNegatives, [1]), 0), "float32") as tf.Tensor1D;
  const loss = tf.div(tf.sum(tf.mul(perRow, counted)), tf.maximum(tf.sum(counted), 1)) as tf.Scalar;
  return { loss, perRow, counted };
}
