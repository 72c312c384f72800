import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { KERNEL_MODULE, KERNEL_SOURCE, kernelModuleText } from "../../../../../scripts/wasmKernels.js";
import { setFusedKernels } from "../switch.js";
import { batchMatMul, createProduct, simdBatchMatMulApplies } from "./batchMatMul.js";

const relativeDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
};

/** Operand shapes for C = op(A) op(B) of [batch..., m, n] with inner size k. */
function operands(batch: number[], m: number, k: number, n: number, ta: boolean, tb: boolean, seed: number) {
  const a = tf.randomNormal([...batch, ...(ta ? [k, m] : [m, k])], 0, 1, "float32", seed);
  const b = tf.randomNormal([...batch, ...(tb ? [n, k] : [k, n])], 0, 1, "float32", seed + 1);
  return [a, b];
}

const FLAGS = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

describe("wasm-SIMD batched product", () => {
  beforeAll(async () => {
    expect(await tf.setBackend("wasm")).toBe(true);
  });
  afterEach(() => setFusedKernels("auto"));

  it("the committed binaries are the build of batchMatMul.as.ts (npm run build:kernels)", async () => {
    const built = await kernelModuleText(readFileSync(KERNEL_SOURCE, "utf8"));
    expect(readFileSync(KERNEL_MODULE, "utf8")).toBe(built);
  }, 60_000);

  // n = 37 covers the kernel's 16-, 4- and 1-column parts; attention's shapes are the second.
  it.each(FLAGS)("equals tf.matMul (transposeA %s, transposeB %s), values and gradients", (ta, tb) => {
    for (const [batch, m, k, n] of [
      [[3], 5, 7, 37],
      [[2, 4], 19, 16, 19],
    ] as const) {
      tf.tidy(() => {
        const [a, b] = operands([...batch], m, k, n, ta, tb, 7);
        expect(simdBatchMatMulApplies(a, b, ta, tb)).toBe(true);
        const got = batchMatMul(a, b, ta, tb);
        const want = tf.matMul(a, b, ta, tb);
        expect(got.shape).toEqual(want.shape);
        expect(relativeDiff(got.dataSync(), want.dataSync())).toBeLessThan(1e-6);
        // A loss weighting every output differently, so each gradient entry is checked.
        const weights = tf.randomUniform(want.shape, 0.5, 1.5, "float32", 3);
        const loss = (f: typeof batchMatMul) => (x: tf.Tensor, y: tf.Tensor) =>
          tf.sum(tf.mul(f(x, y, ta, tb), weights));
        const ours = tf.grads(loss(batchMatMul))([a, b]);
        const plain = tf.grads(loss((x, y, p, q) => tf.matMul(x, y, p, q)))([a, b]);
        for (let i = 0; i < 2; i++)
          expect(relativeDiff(ours[i].dataSync(), plain[i].dataSync())).toBeLessThan(1e-5);
      });
    }
  });

  // The blocked A^T B path of weight gradients: k spans several 128-row chunks, and m, n
  // leave rows and columns outside the 4 x 8 tiles. Each entry must be the float32 sum of
  // its products in ascending k, exactly (the claim that blocking changes no bit).
  it("weight-gradient shapes (A^T B): bit-identical to an ascending float32 sum", () => {
    for (const [m, k, n] of [
      [64, 300, 256],
      [6, 129, 13],
      [3, 5, 7],
    ] as const) {
      tf.tidy(() => {
        const [a, b] = operands([1], m, k, n, true, false, 11);
        const got = batchMatMul(a, b, true, false).dataSync();
        const [av, bv] = [a.dataSync(), b.dataSync()];
        const want = new Float32Array(m * n);
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let acc = 0;
            for (let kk = 0; kk < k; kk++)
              acc = Math.fround(acc + Math.fround(av[kk * m + i] * bv[kk * n + j]));
            want[i * n + j] = acc;
          }
        expect(Array.from(got)).toEqual(Array.from(want));
      });
    }
  });

  it("hand-computed product, and no tensors left behind", () => {
    const before = tf.memory().numTensors;
    const c = tf.tidy(() => {
      const a = tf.tensor3d([1, 2, 3, 4], [1, 2, 2]);
      const b = tf.tensor3d([5, 6, 7, 8], [1, 2, 2]);
      return batchMatMul(a, b);
    });
    // [[1, 2], [3, 4]] @ [[5, 6], [7, 8]]
    expect(Array.from(c.dataSync())).toEqual([19, 22, 43, 50]);
    c.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("takes tf.matMul for broadcast batches, the straightforward path and other backends", async () => {
    tf.tidy(() => {
      const a = tf.ones([2, 3, 4]);
      expect(simdBatchMatMulApplies(a, tf.ones([1, 4, 5]))).toBe(false);
      expect(simdBatchMatMulApplies(a, tf.ones([2, 3, 5]))).toBe(false); // inner sizes differ
      expect(() => batchMatMul(a, tf.ones([2, 3, 5]))).toThrow(/inner shapes/);
      setFusedKernels(false);
      expect(simdBatchMatMulApplies(a, tf.ones([2, 4, 5]))).toBe(false);
    });
    await tf.setBackend("cpu");
    try {
      tf.tidy(() => {
        const [a, b] = operands([2], 3, 4, 5, false, false, 1);
        expect(simdBatchMatMulApplies(a, b)).toBe(false);
        expect(Array.from(batchMatMul(a, b).dataSync())).toEqual(Array.from(tf.matMul(a, b).dataSync()));
      });
    } finally {
      await tf.setBackend("wasm");
    }
  });

  it("copies through a memory of its own where tfjs's heap is not exported (threaded build)", () => {
    type Backend = Parameters<typeof createProduct>[0];
    const backend = tf.backend() as unknown as Backend & { disposeData(id: object): void };
    const product = createProduct(backend, undefined)!;
    expect(product).not.toBeNull();
    for (const [ta, tb] of FLAGS) {
      tf.tidy(() => {
        // Large enough to make the kernel's own memory grow past its first page.
        const [a, b] = operands([40], 22, 16, 22, ta, tb, 5);
        const out = backend.makeOutput([40, 22, 22], "float32");
        product(a, b, out, { batch: 40, m: 22, k: 16, n: 22 }, ta, tb);
        const got = Float32Array.from(backend.typedArrayFromHeap(out));
        backend.disposeData(out.dataId);
        expect(relativeDiff(got, tf.matMul(a, b, ta, tb).dataSync())).toBeLessThan(1e-6);
      });
    }
  });
});
