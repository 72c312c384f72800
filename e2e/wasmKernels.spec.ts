import { expect, test } from "@playwright/test";
import type { Tensor } from "@tensorflow/tfjs";
import { openHarness } from "./helpers.js";

/**
 * Our wasm kernels (src/core/clip/kernels/wasm) in Chromium on tfjs's threaded wasm build
 * (the page is cross-origin isolated; asked for explicitly, since the app takes the
 * single-threaded build below 4 cores), whose shared heap is not exported: the SIMD product
 * copies through its own memory there. Against tf.matMul, values and gradients; the
 * Slice/SplitV/Identity replacements against the values they must give.
 */
test("wasm-SIMD batched product and kernel fixes on tfjs's threaded build", async ({ page }) => {
  await openHarness(page);
  const out = await page.evaluate(async () => {
    const { tf, chooseBackend, wasmKernels } = window.harness;
    const backend = (await chooseBackend(["wasm"], { wasmThreads: 1 })).backend;
    const threaded = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
    const diffs: number[] = [];
    let applies = true;
    for (const [ta, tb] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ]) {
      tf.tidy(() => {
        const a = tf.randomNormal(ta ? [3, 4, 16, 21] : [3, 4, 21, 16], 0, 1, "float32", 1);
        const b = tf.randomNormal(tb ? [3, 4, 21, 16] : [3, 4, 16, 21], 0, 1, "float32", 2);
        applies &&= wasmKernels.simdBatchMatMulApplies(a, b, ta, tb);
        const weights = tf.randomUniform([3, 4, 21, 21], 0.5, 1.5, "float32", 3);
        const run = (f: (x: Tensor, y: Tensor) => Tensor) => {
          const [ga, gb] = tf.grads((x: Tensor, y: Tensor) => tf.sum(tf.mul(f(x, y), weights)))([a, b]);
          return [f(a, b), ga, gb];
        };
        const ours = run((x, y) => wasmKernels.batchMatMul(x, y, ta, tb));
        const plain = run((x, y) => tf.matMul(x, y, ta, tb));
        ours.forEach((t, i) => {
          const scale = tf.max(tf.abs(plain[i])).dataSync()[0];
          diffs.push(tf.max(tf.abs(tf.sub(t, plain[i]))).dataSync()[0] / scale);
        });
      });
    }
    // A weight gradient's shape (A^T B, k over three of the blocked loop's 128-row chunks).
    tf.tidy(() => {
      const a = tf.randomNormal([1, 300, 24], 0, 1, "float32", 4);
      const b = tf.randomNormal([1, 300, 40], 0, 1, "float32", 5);
      const plain = tf.matMul(a, b, true, false);
      const scale = tf.max(tf.abs(plain)).dataSync()[0];
      const diff = tf.max(tf.abs(tf.sub(wasmKernels.batchMatMul(a, b, true, false), plain)));
      diffs.push(diff.dataSync()[0] / scale);
    });
    wasmKernels.installWasmKernelFixes();
    const x = tf.range(0, 1000);
    const pieces = tf.split(x, [10, 990]);
    const clone = tf.clone(x);
    const fixes = {
      split: [pieces[0].dataSync()[9], pieces[1].dataSync()[0], pieces[1].dataSync()[989]],
      slice: Array.from(tf.slice(x.reshape([10, 100]), [2, 3], [2, 2]).dataSync()),
      clone: clone.dataSync()[999],
    };
    x.dispose();
    return {
      backend,
      threaded,
      applies,
      maxDiff: Math.max(...diffs),
      fixes,
      cloneAfter: clone.dataSync()[500],
    };
  });
  expect(out.backend).toBe("wasm");
  expect(out.threaded, "the page is cross-origin isolated: tfjs takes its threaded build").toBe(true);
  expect(out.applies).toBe(true);
  expect(out.maxDiff).toBeLessThan(1e-5);
  expect(out.fixes.split).toEqual([9, 10, 999]);
  expect(out.fixes.slice).toEqual([203, 204, 303, 304]);
  expect(out.fixes.clone).toBe(999);
  expect(out.cloneAfter).toBe(500); // the clone shares the buffer and outlives its source
});
