import * as tf from "@tensorflow/tfjs";
import type { Activation } from "./config.js";

/**
 * The few building blocks of the CLIP forward pass, written so that every backend gets
 * correct and fast gradients (see the tests in ops.test.ts):
 * - `linear` multiplies with explicitly transposed operands: tfjs-backend-wasm only sends
 *   untransposed products to XNNPACK, so transpose flags (and autodiff's transposed
 *   products) fall back to a scalar loop ~10x slower.
 * - `gatherRows` replaces gather's gradient (unsortedSegmentSum), which is wrong on
 *   WebGPU when ids repeat (tfjs #8174) and missing on wasm.
 */

type CustomGradientFunc<T extends tf.Tensor> = Parameters<typeof tf.customGrad<T>>[0];

/** x @ w^T + b with PyTorch's Linear layout (w: [out, in]), x of any rank >= 2. */
export function linear(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const [outDim, inDim] = (w as tf.Tensor2D).shape;
  const lead = x.shape.slice(0, -1);
  const x2 = x.reshape([-1, inDim]) as tf.Tensor2D;
  let y = matMulWeightT(x2, w as tf.Tensor2D);
  if (b) y = tf.add(y, b);
  return y.reshape([...lead, outDim]);
}

/** y = x @ w^T with gradients formed from untransposed products only. */
const matMulWeightT = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, save: tf.GradSaveFunc) => {
  const x2 = x;
  const w2 = w;
  save([x2, w2]);
  return {
    value: tf.matMul(x2, tf.transpose(w2)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as tf.Tensor2D[];
      const dy2 = dy as tf.Tensor2D;
      return [tf.matMul(dy2, ws), tf.matMul(tf.transpose(dy2), xs)];
    },
  };
}) as unknown as CustomGradientFunc<tf.Tensor2D>) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/** a @ b for 2-D operands, gradients via explicit transposes (see the file comment). */
export const matMulFast = tf.customGrad(((a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [as, bs] = saved as tf.Tensor2D[];
      const dy2 = dy as tf.Tensor2D;
      return [tf.matMul(dy2, tf.transpose(bs)), tf.matMul(tf.transpose(as), dy2)];
    },
  };
}) as unknown as CustomGradientFunc<tf.Tensor2D>) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const axis = x.rank - 1;
  const mean = tf.mean(x, axis, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), axis, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, eps))), gamma), beta);
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export function activate(x: tf.Tensor, kind: Activation): tf.Tensor {
  switch (kind) {
    case "quick_gelu":
      return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));
    case "gelu":
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
    case "gelu_new":
    case "gelu_pytorch_tanh": {
      const inner = tf.mul(SQRT_2_OVER_PI, tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
    }
    case "relu":
      return tf.relu(x);
  }
}

/**
 * Rows of `table` at `ids` (token embeddings, pooled tokens): ids are host-side ints, so
 * the backward pass is planned on the host. The gradient sums dy over repeated ids with a
 * one-hot product over the *unique* ids, then scatters those rows (unique, so no
 * accumulation is needed) into the table.
 */
export function gatherRows(table: tf.Tensor2D, ids: Int32Array, outShape: number[]): tf.Tensor {
  const [vocab, width] = table.shape;
  const { unique, position } = uniqueIds(ids, vocab);
  // Created outside the custom function: tensors made inside its forward escape tf.tidy.
  const idTensor = tf.tensor1d(ids, "int32");
  const lookup = tf.customGrad(((t: tf.Tensor, save: tf.GradSaveFunc) => {
    save([]);
    return {
      value: tf.gather(t, idTensor).reshape([...outShape, width]),
      gradFunc: (dy: tf.Tensor) => {
        const dy2 = dy.reshape([ids.length, width]) as tf.Tensor2D;
        const selector = tf.oneHot(tf.tensor1d(position, "int32"), unique.length).toFloat() as tf.Tensor2D;
        const rowGrads = tf.matMul(tf.transpose(selector), dy2);
        const indices = tf.tensor2d(unique, [unique.length, 1], "int32");
        return tf.scatterND(indices, rowGrads, [vocab, width]);
      },
    };
  }) as unknown as CustomGradientFunc<tf.Tensor>);
  return lookup(table);
}

function uniqueIds(ids: Int32Array, vocab: number): { unique: Int32Array; position: Int32Array } {
  const slot = new Map<number, number>();
  const position = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id < 0 || id >= vocab) throw new RangeError(`row index ${id} is outside the table (${vocab} rows)`);
    let s = slot.get(id);
    if (s === undefined) {
      s = slot.size;
      slot.set(id, s);
    }
    position[i] = s;
  }
  return { unique: Int32Array.from(slot.keys()), position };
}

/** L2-normalise the last axis (as HF does before the logits). */
export function l2Normalize(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.norm(x, "euclidean", -1, true));
}
