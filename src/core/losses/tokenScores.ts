import * as tf from "@tensorflow/tfjs";
import { l2Normalize } from "./shared.js";
import { stopGradient } from "./stopGradient.js";

/**
 * FSC-CLIP's local (token-level) image-caption score, exactly as docs/methods.md:
 * A = stopgrad(W U^T); min-max normalise each row over patches (+1e-6 on the range); divide
 * each row by its sum; u^_t = normalise(sum_p A_tp U_p); r_t = s <u^_t, normalise(W_t)>;
 * S = logsumexp of r_t over the caption's unmasked tokens.
 */

type CustomGradientFunc<T extends tf.Tensor> = Parameters<typeof tf.customGrad<T>>[0];

/** Added to each row's patch range so a constant row does not divide by zero. */
export const RANGE_EPSILON = 1e-6;
/** Masked tokens get this logit: exp underflows to an exact 0 weight (and 0 gradient). */
const MASKED_LOGIT = -1e9;

/**
 * a @ b for [B, M, K] x [B, K, N], gradients from explicitly transposed operands: autodiff's
 * transposed products fall back to a slow loop on tfjs-backend-wasm (see clip/ops.ts).
 */
const batchedMatMul = tf.customGrad(((a: tf.Tensor3D, b: tf.Tensor3D, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [as, bs] = saved as tf.Tensor3D[];
      const dy3 = dy as tf.Tensor3D;
      return [tf.matMul(dy3, tf.transpose(bs, [0, 2, 1])), tf.matMul(tf.transpose(as, [0, 2, 1]), dy3)];
    },
  };
}) as unknown as CustomGradientFunc<tf.Tensor3D>) as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D;

/**
 * Token-to-patch pooling weights, a constant: each token's similarities to the patches,
 * min-max normalised and made to sum to 1. [B, T, D] x [B, P, D] -> [B, T, P].
 */
export function tokenPatchWeights(tokens: tf.Tensor3D, patches: tf.Tensor3D): tf.Tensor3D {
  const affinity = stopGradient(batchedMatMul(tokens, tf.transpose(patches, [0, 2, 1])));
  const low = tf.min(affinity, -1, true);
  const range = tf.add(tf.sub(tf.max(affinity, -1, true), low), RANGE_EPSILON);
  const scaled = tf.div(tf.sub(affinity, low), range);
  // A row is all zeros only if it was constant; keep it at 0 rather than 0/0.
  return tf.div(scaled, tf.maximum(tf.sum(scaled, -1, true), 1e-12)) as tf.Tensor3D;
}

/**
 * S(i, c) for C captions per image: `patches` [N, P, D] (image i's patch tokens),
 * `captionTokens` [N, C, T, D] and `tokenMask` [N, C, T] (caption c of image i), -> [N, C].
 * Every caption of image i shares its patches, so the C captions' tokens are stacked along
 * the token axis and pooled in one batched product per image (no tiling of the patches).
 */
export function localScores(
  patches: tf.Tensor3D,
  captionTokens: tf.Tensor4D,
  tokenMask: tf.Tensor3D,
  scale: tf.Scalar,
): tf.Tensor2D {
  const [n, c, t, d] = captionTokens.shape;
  const tokens = tf.reshape(captionTokens, [n, c * t, d]) as tf.Tensor3D;
  const pooled = batchedMatMul(tokenPatchWeights(tokens, patches), patches); // [N, C*T, D]
  const cosines = tf.sum(tf.mul(l2Normalize(pooled), l2Normalize(tokens)), -1);
  const tokenLogits = tf.reshape(tf.mul(cosines, scale), [n, c, t]);
  const masked = tf.add(tokenLogits, tf.mul(tf.sub(1, tokenMask), MASKED_LOGIT));
  return tf.logSumExp(masked, -1) as tf.Tensor2D;
}
