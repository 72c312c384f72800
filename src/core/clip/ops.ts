import * as tf from "@tensorflow/tfjs";
import type { Activation } from "./config.js";
import {
  type EpilogueActivation,
  fusedAttention,
  fusedDense,
  fusedDenseSupports,
  fusedKernelsActive,
  fusedLayerNorm,
  fusedLayerNormPassThrough,
  fusedPatchEmbedding,
  fusedTokenEmbedding,
} from "./kernels/index.js";
import { straightforwardOps } from "./kernels/switch.js";
import { batchMatMul, installWasmKernelFixes, simdBatchMatMulApplies } from "./kernels/wasm/index.js";

/**
 * The few building blocks of the CLIP forward pass, written so that every backend gets
 * correct and fast gradients (see the tests in ops.test.ts):
 * - `linear` multiplies with explicitly transposed operands: tfjs-backend-wasm only sends
 *   untransposed products to XNNPACK, so transpose flags (and autodiff's transposed
 *   products) fall back to a scalar loop ~10x slower. Weight gradients (a^T b) run on our
 *   SIMD kernel on wasm (`transposedProduct`).
 * - `gatherRows` replaces gather's gradient (unsortedSegmentSum), which is wrong on
 *   WebGPU when ids repeat (tfjs #8174) and missing on wasm.
 * - On WebGPU, `linear`, `dense`, `denseParts`, `layerNorm`, `layerNormAndResidual`,
 *   `multiHeadAttention`, `embedTokens` and `withClassToken` run on the fused kernels of
 *   ./kernels/ (fewer, cheaper dispatches); every other backend, and WebGPU after
 *   `setFusedKernels(false)`, takes the plain ops below.
 * - `setFusedKernels(false)` is the straightforward path on every backend, for comparison:
 *   `linear` and `matMulFast` become plain `tf.matMul` with transpose flags and autodiff
 *   gradients, and attention's batched products plain `tf.matMul` (on wasm the fast path
 *   runs them on our SIMD kernel, kernels/wasm/batchMatMul.ts).
 */

type CustomGradientFunc<T extends tf.Tensor> = Parameters<typeof tf.customGrad<T>>[0];

/** x @ w^T + b with PyTorch's Linear layout (w: [out, in]), x of any rank >= 2. */
export function linear(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  if (fusedKernelsActive()) return fusedDense(x, [w], b ? [b] : undefined);
  const [outDim, inDim] = (w as tf.Tensor2D).shape;
  const lead = x.shape.slice(0, -1);
  const x2 = x.reshape([-1, inDim]) as tf.Tensor2D;
  let y: tf.Tensor;
  if (straightforwardOps()) {
    y = tf.matMul(x2, w, false, true);
    if (b) y = tf.add(y, b);
  } else {
    y = b ? matMulWeightTBias(x2, w as tf.Tensor2D, b as tf.Tensor1D) : matMulWeightT(x2, w as tf.Tensor2D);
  }
  return y.reshape([...lead, outDim]);
}

/**
 * a^T b for 2-D a [N, m], b [N, n] (every weight gradient: dW = dy^T x, N = batch x tokens).
 * On wasm it runs on our SIMD kernel's register-blocked A^T B loop, which reads both
 * operands where they lie: 3-5x faster per product than XNNPACK here (the whole step:
 * `npm run bench`), because tfjs-wasm has XNNPACK pack its right operand anew on every call
 * and that operand is [N, wide]. Elsewhere an explicit transpose and an untransposed
 * product, the narrower operand on the right (the cheaper packing where XNNPACK is used).
 */
export function transposedProduct(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const [rows, m] = a.shape;
  const a3 = a.reshape([1, rows, m]);
  const b3 = b.reshape([1, rows, b.shape[1]]);
  if (simdBatchMatMulApplies(a3, b3, true, false)) return batchMatMul(a3, b3, true).reshape([m, b.shape[1]]);
  if (b.shape[1] <= m) return tf.matMul(tf.transpose(a), b);
  return tf.transpose(tf.matMul(tf.transpose(b), a)) as tf.Tensor2D;
}

/**
 * Sums of the rows of m [N, W] (bias, gamma and beta gradients). On wasm: ones [1, N] @ m on
 * the SIMD kernel, which streams m once (0.15 ms for [7040, 64]); tfjs-wasm's Sum over the
 * outer axis transposes all of m first (0.8 ms; 4.1 ms for [7040, 256]).
 */
export function columnSums(m: tf.Tensor2D): tf.Tensor1D {
  const [rows, width] = m.shape;
  const ones = tf.ones([1, 1, rows]);
  const m3 = m.reshape([1, rows, width]);
  if (!simdBatchMatMulApplies(ones, m3)) return tf.sum(m, 0);
  return batchMatMul(ones, m3).reshape([width]);
}

/** y = x @ w^T with gradients formed from untransposed products only. */
const matMulWeightT = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.matMul(x, tf.transpose(w)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as tf.Tensor2D[];
      const dy2 = dy as tf.Tensor2D;
      return [tf.matMul(dy2, ws), transposedProduct(dy2, xs)];
    },
  };
}) as unknown as CustomGradientFunc<tf.Tensor2D>) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/** y = x @ w^T + b, as matMulWeightT (the bias gradient: see columnSums). */
const matMulWeightTBias = tf.customGrad(((
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  save: tf.GradSaveFunc,
) => {
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x, tf.transpose(w)), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as tf.Tensor2D[];
      const dy2 = dy as tf.Tensor2D;
      return [tf.matMul(dy2, ws), transposedProduct(dy2, xs), columnSums(dy2)];
    },
  };
}) as unknown as CustomGradientFunc<tf.Tensor2D>) as (
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
) => tf.Tensor2D;

/** a @ b for 2-D operands, gradients via explicit transposes (see the file comment). */
export function matMulFast(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return straightforwardOps() ? tf.matMul(a, b) : matMulExplicitT(a, b);
}

const matMulExplicitT = tf.customGrad(((a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [as, bs] = saved as tf.Tensor2D[];
      const dy2 = dy as tf.Tensor2D;
      return [tf.matMul(dy2, tf.transpose(bs)), transposedProduct(as, dy2)];
    },
  };
}) as unknown as CustomGradientFunc<tf.Tensor2D>) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  if (fusedKernelsActive()) return fusedLayerNorm(x, gamma, beta, eps);
  if (!straightforwardOps()) {
    const width = x.shape[x.rank - 1];
    const rows = x.reshape([-1, width]) as tf.Tensor2D;
    return layerNormRows(rows, gamma as tf.Tensor1D, beta as tf.Tensor1D, eps).reshape(x.shape);
  }
  const axis = x.rank - 1;
  const mean = tf.mean(x, axis, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), axis, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, eps))), gamma), beta);
}

/**
 * LayerNorm over the last axis of [rows, width] with its gradient written out: autodiff's
 * chain through mean and variance takes more kernels than the closed form
 * dx = rstd (g - mean(g) - xhat mean(g xhat)), g = dy gamma.
 */
function layerNormRows(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor2D {
  const norm = tf.customGrad(((xs: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const mean = tf.mean(xs, 1, true);
    const centred = tf.sub(xs, mean);
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), 1, true), eps));
    const xhat = tf.mul(centred, rstd) as tf.Tensor2D;
    save([xhat, rstd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, r, gs] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const dy2 = dy as tf.Tensor2D;
        const dxhat = tf.mul(dy2, gs);
        const dx = tf.mul(
          r,
          tf.sub(tf.sub(dxhat, tf.mean(dxhat, 1, true)), tf.mul(xh, tf.mean(tf.mul(dxhat, xh), 1, true))),
        );
        return [dx, columnSums(tf.mul(dy2, xh) as tf.Tensor2D), columnSums(dy2)];
      },
    };
  }) as unknown as CustomGradientFunc<tf.Tensor2D>) as (
    x: tf.Tensor2D,
    g: tf.Tensor1D,
    b: tf.Tensor1D,
  ) => tf.Tensor2D;
  return norm(x, gamma, beta);
}

/**
 * [LayerNorm(x), x] for a pre-norm residual block, x to be added back as the residual: on
 * WebGPU the LayerNorm's backward dispatch also adds the residual's gradient (one kernel
 * fewer per block than autodiff's sum of the two).
 */
export function layerNormAndResidual(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  eps: number,
): [tf.Tensor, tf.Tensor] {
  if (fusedKernelsActive()) return fusedLayerNormPassThrough(x, gamma, beta, eps);
  return [layerNorm(x, gamma, beta, eps), x];
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * x sigmoid(1.702 x) with its gradient in closed form, dy (s + 1.702 y (1 - s)): five
 * element-wise kernels on the MLP's widest tensor where autodiff's chain takes seven.
 */
const quickGelu = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const s = tf.sigmoid(tf.mul(x, 1.702));
  const y = tf.mul(x, s);
  save([s, y]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [ss, ys] = saved;
      return tf.mul(dy, tf.add(ss, tf.mul(tf.mul(ys, tf.sub(1, ss)), 1.702)));
    },
  };
}) as unknown as CustomGradientFunc<tf.Tensor>) as (x: tf.Tensor) => tf.Tensor;

export function activate(x: tf.Tensor, kind: Activation): tf.Tensor {
  switch (kind) {
    case "quick_gelu":
      return straightforwardOps() ? tf.mul(x, tf.sigmoid(tf.mul(x, 1.702))) : quickGelu(x);
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

export interface DenseOptions {
  activation?: EpilogueActivation;
  /** Added last (a residual connection); the output's shape. */
  residual?: tf.Tensor;
}

/** act(x @ w^T + b) + residual: one fused kernel on WebGPU (bias, activation and residual in its epilogue). */
export function dense(
  x: tf.Tensor,
  w: tf.Tensor,
  b: tf.Tensor | undefined,
  options: DenseOptions = {},
): tf.Tensor {
  if (fusedKernelsActive()) return fusedDense(x, [w], b ? [b] : undefined, options);
  let y = linear(x, w, b);
  if (options.activation && options.activation !== "linear") y = activate(y, options.activation);
  return options.residual ? tf.add(y, options.residual) : y;
}

/**
 * Several projections of the same input side by side, [..., sum of outputs]: attention's
 * q, k and v as one fused product on WebGPU (its gradient comes back as one tensor).
 */
export function denseParts(x: tf.Tensor, weights: tf.Tensor[], biases: tf.Tensor[]): tf.Tensor {
  if (fusedKernelsActive() && fusedDenseSupports(weights)) return fusedDense(x, weights, biases);
  return tf.concat(
    weights.map((w, i) => linear(x, w, biases[i])),
    -1,
  );
}

/** [L, L] additive mask: 0 on and below the diagonal, -1e9 above (HF's causal mask). */
export function causalMask(length: number): tf.Tensor2D {
  return tf.tidy(() => {
    const rows = tf.range(0, length, 1, "int32").reshape([length, 1]);
    const cols = tf.range(0, length, 1, "int32").reshape([1, length]);
    return tf.where(
      tf.greater(cols, rows),
      tf.fill([length, length], -1e9),
      tf.zeros([length, length]),
    ) as tf.Tensor2D;
  });
}

/**
 * Scaled dot-product attention of projected q, k, v ([B, L, W] each, heads interleaved as
 * HF lays them out) with an optional additive [L, L] mask; returns [B, L, W].
 */
export function attentionHeads(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  heads: number,
  additiveMask?: tf.Tensor,
): tf.Tensor3D {
  // Every forward pass comes here: our replacements of tfjs-wasm kernels (kernels/wasm/kernelFixes.ts).
  installWasmKernelFixes();
  const [batch, length, width] = q.shape;
  const headDim = width / heads;
  const split = (t: tf.Tensor) =>
    t.reshape([batch, length, heads, headDim]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
  let scores = batchMatMul(tf.mul(split(q), headDim ** -0.5) as tf.Tensor4D, split(k), false, true);
  if (additiveMask) scores = tf.add(scores, additiveMask);
  const context = batchMatMul(tf.softmax(scores) as tf.Tensor4D, split(v)).transpose([0, 2, 1, 3]);
  return context.reshape([batch, length, width]);
}

/** Multi-head attention on packed projections qkv = [B, L, 3W] (see denseParts); [B, L, W]. */
export function multiHeadAttention(qkv: tf.Tensor3D, heads: number, causal: boolean): tf.Tensor3D {
  if (fusedKernelsActive()) return fusedAttention(qkv, heads, causal);
  const [q, k, v] = tf.split(qkv, 3, -1);
  return attentionHeads(q, k, v, heads, causal ? causalMask(qkv.shape[1]) : undefined);
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
        // Distinct ids (pooled rows): the one-hot product would be an identity.
        const rowGrads = unique.length === ids.length ? dy2 : sumRowsById(dy2, position, unique.length);
        const indices = tf.tensor2d(unique, [unique.length, 1], "int32");
        return tf.scatterND(indices, rowGrads, [vocab, width]);
      },
    };
  }) as unknown as CustomGradientFunc<tf.Tensor>);
  return lookup(table);
}

/** The text tower's input: token rows of `table` at `ids` ([batch, length], row-major) plus position rows. */
export function embedTokens(
  table: tf.Tensor2D,
  positionTable: tf.Tensor2D,
  ids: Int32Array,
  batch: number,
  length: number,
): tf.Tensor3D {
  if (fusedKernelsActive()) return fusedTokenEmbedding(table, positionTable, ids, batch, length);
  const tokenEmb = gatherRows(table, ids, [batch, length]);
  return tf.add(tokenEmb, tf.slice(positionTable, [0, 0], [length, -1])) as tf.Tensor3D;
}

/** The vision tower's input: [class token; patch projections [B, P, W]] plus positions [1 + P, W]. */
export function withClassToken(
  patches: tf.Tensor3D,
  classToken: tf.Tensor,
  positions: tf.Tensor,
): tf.Tensor3D {
  if (fusedKernelsActive()) return fusedPatchEmbedding(patches, classToken, positions);
  const [batch, , width] = patches.shape;
  // A product with ones, not broadcastTo: its gradient is one reduction, not B slices and adds.
  const cls = tf.mul(tf.ones([batch, 1, 1]), classToken.reshape([1, 1, width]));
  return tf.add(tf.concat([cls, patches], 1), positions) as tf.Tensor3D;
}

/** Rows of dy summed by slot: one-hot(position)^T @ dy. */
function sumRowsById(dy: tf.Tensor2D, position: Int32Array, slots: number): tf.Tensor2D {
  const selector = tf.oneHot(tf.tensor1d(position, "int32"), slots).toFloat() as tf.Tensor2D;
  return transposedProduct(selector, dy);
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
