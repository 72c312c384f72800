import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { afterAll, describe, expect, it } from "vitest";
import { setFusedKernels } from "./kernels/switch.js";
import { activate, columnSums, gatherRows, layerNorm, linear, matMulFast } from "./ops.js";
import { maxAbsDiff } from "./testing.js";

/** Plain-JS reference: d/dW of sum(lookup(W, ids) * upstream) accumulates rows of repeated ids. */
function referenceEmbeddingGrad(vocab: number, width: number, ids: number[], upstream: Float32Array) {
  const grad = new Float64Array(vocab * width);
  ids.forEach((id, i) => {
    for (let d = 0; d < width; d++) grad[id * width + d] += upstream[i * width + d];
  });
  return grad;
}

describe.each(["cpu", "wasm"])("ops on the %s backend", (backend) => {
  it("starts", async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it("embedding gradient accumulates repeated ids (gather's own gradient fails on wasm)", () => {
    const vocab = 7;
    const width = 3;
    const ids = [2, 5, 2, 2, 0, 5, 6, 2];
    const table = tf.tensor2d(
      Array.from({ length: vocab * width }, (_, i) => Math.sin(i)),
      [vocab, width],
    );
    const upstream = Float32Array.from({ length: ids.length * width }, (_, i) => Math.cos(i * 0.7));
    const grad = tf.grad((t: tf.Tensor) =>
      tf.sum(
        tf.mul(
          gatherRows(t as tf.Tensor2D, Int32Array.from(ids), [2, 4]),
          tf.tensor3d(upstream, [2, 4, width]),
        ),
      ),
    )(table);
    expect(grad.shape).toEqual([vocab, width]);
    expect(maxAbsDiff(grad.dataSync(), referenceEmbeddingGrad(vocab, width, ids, upstream))).toBeLessThan(
      1e-5,
    );
    const rows = gatherRows(table, Int32Array.from(ids), [8]).arraySync() as number[][];
    expect(rows[3]).toEqual((table.arraySync() as number[][])[2]);
    tf.dispose([table, grad]);
  });

  it.runIf(backend === "wasm")(
    "tfjs 4.22 bug we work around: gather's gradient is not registered on wasm",
    () => {
      const table = tf.ones([4, 2]);
      const ids = tf.tensor1d([1, 1, 3], "int32");
      expect(() => tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, ids)))(table)).toThrow(/UnsortedSegmentSum/);
      tf.dispose([table, ids]);
    },
  );

  it("rejects ids outside the vocabulary with a clear message", () => {
    const table = tf.zeros([4, 2]) as tf.Tensor2D;
    expect(() => gatherRows(table, Int32Array.from([1, 4]), [2])).toThrow(
      /row index 4 is outside the table \(4 rows\)/,
    );
    table.dispose();
  });

  it("linear and matMulFast equal the straightforward ops in value and gradient", () => {
    const x = tf.randomNormal([5, 4, 6], 0, 1, "float32", 1);
    const w = tf.randomNormal([3, 6], 0, 1, "float32", 2) as tf.Tensor2D;
    const b = tf.randomNormal([3], 0, 1, "float32", 3) as tf.Tensor1D;
    const up = tf.randomNormal([5, 4, 3], 0, 1, "float32", 4);
    const fast = tf.grads((xx, ww, bb) =>
      tf.sum(tf.mul(linear(xx, ww as tf.Tensor2D, bb as tf.Tensor1D), up)),
    );
    const plain = tf.grads((xx, ww, bb) =>
      tf.sum(
        tf.mul(
          tf.add(tf.matMul(xx.reshape([20, 6]), ww as tf.Tensor2D, false, true), bb).reshape([5, 4, 3]),
          up,
        ),
      ),
    );
    const g1 = fast([x, w, b]);
    const g2 = plain([x, w, b]);
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(g1[i].dataSync(), g2[i].dataSync())).toBeLessThan(1e-4);

    const a = tf.randomNormal([4, 5], 0, 1, "float32", 5) as tf.Tensor2D;
    const c = tf.randomNormal([5, 2], 0, 1, "float32", 6) as tf.Tensor2D;
    expect(maxAbsDiff(matMulFast(a, c).dataSync(), tf.matMul(a, c).dataSync())).toBeLessThan(1e-5);
    const h1 = tf.grads((p, q) => tf.sum(tf.square(matMulFast(p as tf.Tensor2D, q as tf.Tensor2D))))([a, c]);
    const h2 = tf.grads((p, q) => tf.sum(tf.square(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D))))([a, c]);
    for (let i = 0; i < 2; i++) expect(maxAbsDiff(h1[i].dataSync(), h2[i].dataSync())).toBeLessThan(1e-4);
    tf.dispose([x, w, b, up, a, c, ...g1, ...g2, ...h1, ...h2]);
  });

  it("linear's weight and bias gradients in both orientations (out > in and out < in)", () => {
    for (const [outDim, inDim] of [
      [7, 4],
      [4, 7],
    ]) {
      tf.tidy(() => {
        const x = tf.randomNormal([9, inDim], 0, 1, "float32", 11);
        const w = tf.randomNormal([outDim, inDim], 0, 1, "float32", 12);
        const b = tf.randomNormal([outDim], 0, 1, "float32", 13);
        const up = tf.randomNormal([9, outDim], 0, 1, "float32", 14);
        const loss = (f: typeof linear) => (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
          tf.sum(tf.mul(f(xx, ww, bb), up));
        const fast = tf.grads(loss(linear))([x, w, b]);
        const plain = tf.grads(
          loss((xx, ww, bb) => tf.add(tf.matMul(xx, ww as tf.Tensor, false, true), bb!)),
        )([x, w, b]);
        for (let i = 0; i < 3; i++)
          expect(maxAbsDiff(fast[i].dataSync(), plain[i].dataSync())).toBeLessThan(1e-4);
      });
    }
  });

  it("columnSums equals tf.sum over rows; LayerNorm's written-out gradient equals autodiff's", () => {
    tf.tidy(() => {
      const m = tf.randomNormal([300, 21], 0, 1, "float32", 21) as tf.Tensor2D;
      expect(maxAbsDiff(columnSums(m).dataSync(), tf.sum(m, 0).dataSync())).toBeLessThan(1e-4);
      const x = tf.randomNormal([3, 5, 8], 2, 3, "float32", 22);
      const gamma = tf.randomNormal([8], 1, 0.5, "float32", 23);
      const beta = tf.randomNormal([8], 0, 1, "float32", 24);
      const up = tf.randomNormal([3, 5, 8], 0, 1, "float32", 25);
      const grads = (straightforward: boolean) => {
        setFusedKernels(straightforward ? false : "auto");
        try {
          return tf.grads((xx, g, b) => tf.sum(tf.mul(layerNorm(xx, g, b, 1e-5), up)))([x, gamma, beta]);
        } finally {
          setFusedKernels("auto");
        }
      };
      const [written, autodiff] = [grads(false), grads(true)];
      for (let i = 0; i < 3; i++)
        expect(maxAbsDiff(written[i].dataSync(), autodiff[i].dataSync())).toBeLessThan(1e-4);
    });
  });

  it("activations match their closed forms", () => {
    const xs = [-3, -1, -0.2, 0, 0.5, 2];
    const x = tf.tensor1d(xs);
    const quick = activate(x, "quick_gelu").dataSync();
    const tanhGelu = activate(x, "gelu_new").dataSync();
    xs.forEach((v, i) => {
      expect(quick[i]).toBeCloseTo(v / (1 + Math.exp(-1.702 * v)), 5);
      const inner = Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3);
      expect(tanhGelu[i]).toBeCloseTo(0.5 * v * (1 + Math.tanh(inner)), 5);
    });
    // Exact (erf) GELU at known points: GELU(1) = 0.8413447, GELU(-1) = -0.1586553.
    const gelu = activate(tf.tensor1d([1, -1]), "gelu").dataSync();
    expect(gelu[0]).toBeCloseTo(0.8413447, 5);
    expect(gelu[1]).toBeCloseTo(-0.1586553, 5);
    x.dispose();
  });

  it("quick_gelu's closed-form gradient matches central differences", () => {
    const xs = [-3, -1, -0.2, 0, 0.5, 2];
    const f = (v: number) => v / (1 + Math.exp(-1.702 * v));
    const grad = tf
      .grad((t: tf.Tensor) => tf.sum(activate(t, "quick_gelu")))(tf.tensor1d(xs))
      .dataSync();
    const h = 1e-3;
    xs.forEach((v, i) => {
      expect(grad[i]).toBeCloseTo((f(v + h) - f(v - h)) / (2 * h), 4);
    });
  });
});

afterAll(async () => {
  await tf.setBackend("cpu");
});
