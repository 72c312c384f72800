import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  dense,
  denseParts,
  embedTokens,
  gatherRows,
  layerNormAndResidual,
  multiHeadAttention,
  withClassToken,
} from "../ops.js";
import { maxAbsDiff } from "../testing.js";
import { planLookup } from "./embedding.js";
import { fusedKernelsActive, setFusedKernels } from "./index.js";

/**
 * The fused ops' plain-op fallback (every backend but WebGPU), on cpu: values against
 * plain-JS references, gradients against central finite differences. The fused WebGPU
 * kernels themselves are checked against these same ops in e2e/kernels.spec.ts.
 */

const seq = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));

/** d/dx_i of sum(fn(x) * r), by central differences in float64 on the host. */
function finiteDifferenceGrad(
  fn: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  r: tf.Tensor,
  h = 1e-2,
): Float64Array {
  const base = x.dataSync();
  const grad = new Float64Array(base.length);
  const loss = (values: Float32Array) =>
    tf.tidy(() => tf.sum(tf.mul(fn(tf.tensor(values, x.shape)), r)).dataSync()[0]);
  for (let i = 0; i < base.length; i++) {
    const plus = Float32Array.from(base);
    const minus = Float32Array.from(base);
    plus[i] += h;
    minus[i] -= h;
    grad[i] = (loss(plus) - loss(minus)) / (2 * h);
  }
  return grad;
}

function expectGradMatchesFiniteDifferences(fn: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, tolerance = 2e-3) {
  const r = tf.tensor(
    seq(fn(x).size, (i) => Math.cos(1.3 * i)),
    fn(x).shape,
  );
  const analytic = tf
    .grad((t: tf.Tensor) => tf.sum(tf.mul(fn(t), r)))(x)
    .dataSync();
  expect(maxAbsDiff(analytic, finiteDifferenceGrad(fn, x, r))).toBeLessThan(tolerance);
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});

afterEach(() => {
  setFusedKernels("auto");
});

describe("fused kernels switch", () => {
  it("is on for WebGPU only: cpu always takes the plain ops, whatever the setting", () => {
    for (const setting of ["auto", true, false] as const) {
      setFusedKernels(setting);
      expect(fusedKernelsActive()).toBe(false);
    }
  });

  it("registers the kernels for the webgpu backend and nowhere else", () => {
    for (const name of ["HardNegDense1", "HardNegLayerNorm", "HardNegAttention", "HardNegAdamW"]) {
      expect(tf.getKernel(name, "webgpu")?.kernelName).toBe(name);
      expect(tf.getKernel(name, "cpu")).toBeUndefined();
    }
  });
});

describe("plain-op fallback of the fused ops (cpu)", () => {
  it("dense: act(x W^T + b) + residual, by hand", () => {
    // x [1, 2], W [2, 2], b [2], relu then a residual.
    const y = dense(
      tf.tensor2d([[1, -2]]),
      tf.tensor2d([
        [1, 1],
        [2, -1],
      ]),
      tf.tensor1d([0.5, -5]),
      {
        activation: "relu",
        residual: tf.tensor2d([[10, 20]]),
      },
    );
    // pre-activation: [1 - 2 + 0.5, 2 + 2 - 5] = [-0.5, -1] -> relu [0, 0] -> + residual.
    expect(Array.from(y.dataSync())).toEqual([10, 20]);
  });

  it("dense with quick_gelu: gradient with respect to x matches finite differences", () => {
    const w = tf.tensor2d(
      seq(12, (i) => Math.sin(i + 1)),
      [4, 3],
    );
    const b = tf.tensor1d([0.1, -0.2, 0.3, 0]);
    const x = tf.tensor3d(
      seq(6, (i) => Math.cos(i)),
      [1, 2, 3],
    );
    expectGradMatchesFiniteDifferences((t) => dense(t, w, b, { activation: "quick_gelu" }), x);
  });

  it("layerNormAndResidual: the normalised rows and the input itself", () => {
    const x = tf.tensor2d([
      [1, 3],
      [5, 1],
    ]);
    const [normed, residual] = layerNormAndResidual(x, tf.tensor1d([2, 2]), tf.tensor1d([1, 1]), 1e-5);
    // Rows: mean 2, std 1 -> [-1, 1]; mean 3, std 2 -> [1, -1]; then * 2 + 1.
    const expected = [-1, 3, 3, -1];
    Array.from(normed.dataSync()).forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i], 4);
    });
    expect(residual).toBe(x);
  });

  it("denseParts puts the projections side by side", () => {
    const x = tf.tensor2d([[1, 2]]);
    const y = denseParts(
      x,
      [tf.tensor2d([[1, 0]]), tf.tensor2d([[0, 1]]), tf.tensor2d([[1, 1]])],
      [tf.tensor1d([1]), tf.tensor1d([2]), tf.tensor1d([3])],
    );
    expect(y.shape).toEqual([1, 3]);
    expect(Array.from(y.dataSync())).toEqual([2, 4, 6]);
  });

  it("causal attention by hand: the first query sees only the first key", () => {
    // One head, width 1, two tokens: q = k = v columns of qkv [1, 2, 3].
    const qkv = tf.tensor3d([
      [
        [1, 0, 5],
        [2, 3, 7],
      ],
    ]);
    const y = multiHeadAttention(qkv, 1, true).dataSync();
    // Token 0: only key 0 -> v0 = 5. Token 1: scores 2*0, 2*3 (scale 1) -> softmax over [0, 6].
    const p = Math.exp(6) / (1 + Math.exp(6));
    expect(y[0]).toBeCloseTo(5, 5);
    expect(y[1]).toBeCloseTo((1 - p) * 5 + p * 7, 4);
  });

  it("attention gradient with respect to the packed projections matches finite differences", () => {
    const qkv = tf.tensor3d(
      seq(2 * 3 * 12, (i) => Math.sin(0.7 * i)),
      [2, 3, 12],
    );
    expectGradMatchesFiniteDifferences((t) => multiHeadAttention(t as tf.Tensor3D, 2, true), qkv);
  });

  it("token embedding: rows by id plus positions; repeated ids accumulate in the gradient", () => {
    const table = tf.tensor2d([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    const positions = tf.tensor2d([
      [10, 20],
      [30, 40],
      [50, 60],
    ]);
    const ids = Int32Array.from([2, 0, 2, 2]);
    const y = embedTokens(table, positions, ids, 2, 2);
    expect(Array.from(y.dataSync())).toEqual([13, 23, 31, 41, 13, 23, 33, 43]);
    const [dTable, dPositions] = tf.grads((t: tf.Tensor, p: tf.Tensor) =>
      tf.sum(embedTokens(t as tf.Tensor2D, p as tf.Tensor2D, ids, 2, 2)),
    )([table, positions]);
    expect(Array.from(dTable.dataSync())).toEqual([1, 1, 0, 0, 3, 3]);
    // Each used position row is hit once per sequence; the third is unused.
    expect(Array.from(dPositions.dataSync())).toEqual([2, 2, 2, 2, 0, 0]);
  });

  it("class token and positions: values, and the class token's gradient sums over the batch", () => {
    const patches = tf.tensor3d([[[1, 2]], [[3, 4]]]); // [B = 2, P = 1, W = 2]
    const cls = tf.tensor1d([100, 200]);
    const positions = tf.tensor2d([
      [1, 1],
      [2, 2],
    ]);
    expect(Array.from(withClassToken(patches, cls, positions).dataSync())).toEqual([
      101, 201, 3, 4, 101, 201, 5, 6,
    ]);
    const [dPatches, dCls, dPositions] = tf.grads((a: tf.Tensor, c: tf.Tensor, p: tf.Tensor) =>
      tf.sum(tf.mul(withClassToken(a as tf.Tensor3D, c, p), tf.range(1, 9).reshape([2, 2, 2]))),
    )([patches, cls, positions]);
    expect(Array.from(dPatches.dataSync())).toEqual([3, 4, 7, 8]);
    expect(Array.from(dCls.dataSync())).toEqual([1 + 5, 2 + 6]);
    expect(Array.from(dPositions.dataSync())).toEqual([6, 8, 10, 12]);
  });

  it("gathering distinct rows (pooling) scatters the gradient without a one-hot product", () => {
    const table = tf.tensor2d(
      seq(8, (i) => i),
      [4, 2],
    );
    const upstream = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const grad = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(gatherRows(t as tf.Tensor2D, Int32Array.from([3, 1]), [2]), upstream)),
    )(table);
    expect(Array.from(grad.dataSync())).toEqual([0, 0, 3, 4, 0, 0, 1, 2]);
  });
});

describe("planLookup (the fused token embedding's backward plan)", () => {
  it("groups the rows of each distinct id in order of first use", () => {
    const plan = planLookup(Int32Array.from([4, 1, 4, 0, 4, 1]), 6);
    expect(Array.from(plan.slotOf)).toEqual([2, 1, -1, -1, 0, -1]);
    expect(Array.from(plan.offsets)).toEqual([0, 3, 5, 6]);
    expect(Array.from(plan.rowList)).toEqual([0, 2, 4, 1, 5, 3]);
  });
});
