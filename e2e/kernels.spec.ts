import { expect, type Page, test } from "@playwright/test";
import { openHarness } from "./helpers.js";
import type { OpComparison } from "./kernelChecks.js";

/**
 * The fused WebGPU kernels (src/core/clip/kernels) against the plain tfjs ops they replace,
 * values and gradients, on the real WebGPU adapter. Tiny shapes: SwiftShader is slow. Shapes
 * are deliberately not multiples of 4 where the kernels tile by 4.
 */

const TOLERANCE = 1e-5;

async function openWebgpuHarness(page: Page): Promise<void> {
  await openHarness(page);
  const backend = await page.evaluate(async () => (await window.harness.chooseBackend(["webgpu"])).backend);
  expect(backend).toBe("webgpu");
}

function expectClose(label: string, c: OpComparison, kernel: string): void {
  expect(c.fusedKernels, `${label} ran on ${c.fusedKernels.join(", ")}`).toContain(kernel);
  expect(c.value, `${label}: value`).toBeLessThan(TOLERANCE);
  c.grads.forEach((g, i) => {
    expect(g, `${label}: gradient of input ${i}`).toBeLessThan(TOLERANCE);
  });
}

test.beforeEach(async ({ page }) => {
  await openWebgpuHarness(page);
});

test("dense: bias, every activation and a residual in the epilogue match the plain ops", async ({ page }) => {
  const results = await page.evaluate(async () => {
    const { tf, ops, kernelChecks } = window.harness;
    const r = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);
    const [x, w, b, residual] = [r([2, 5, 12], 1), r([8, 12], 2), r([8], 3), r([2, 5, 8], 4)];
    const out: Record<string, OpComparison> = {};
    for (const activation of ["quick_gelu", "gelu", "gelu_new", "relu"] as const) {
      out[activation] = await kernelChecks.fusedVersusPlain(
        (x, w, b) => ops.dense(x, w, b, { activation }),
        [x, w, b],
      );
    }
    out.residual = await kernelChecks.fusedVersusPlain(
      (x, w, b, res) => ops.dense(x, w, b, { residual: res }),
      [x, w, b, residual],
    );
    // Rows and columns that are not multiples of the 4x4 tile, no bias.
    out.oddShapes = await kernelChecks.fusedVersusPlain(
      (x, w) => ops.linear(x, w),
      [r([7, 13], 5), r([9, 13], 6)],
    );
    return out;
  });
  for (const [label, c] of Object.entries(results)) expectClose(label, c, "HardNegDense1");
});

test("q, k and v as one product match three plain linears", async ({ page }) => {
  const c = await page.evaluate(async () => {
    const { tf, ops, kernelChecks } = window.harness;
    const r = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);
    const inputs = [
      r([2, 3, 12], 1),
      r([8, 12], 2),
      r([8, 12], 3),
      r([8, 12], 4),
      r([8], 5),
      r([8], 6),
      r([8], 7),
    ];
    return kernelChecks.fusedVersusPlain(
      (x, wq, wk, wv, bq, bk, bv) => ops.denseParts(x, [wq, wk, wv], [bq, bk, bv]),
      inputs,
    );
  });
  expectClose("denseParts", c, "HardNegDense3");
});

test("LayerNorm, alone and handing its input on as the residual, matches the plain ops", async ({ page }) => {
  const results = await page.evaluate(async () => {
    const { tf, ops, kernelChecks } = window.harness;
    const r = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);
    const inputs = [tf.add(r([3, 5, 18], 1), 2), r([18], 2), r([18], 3)];
    return {
      alone: await kernelChecks.fusedVersusPlain((x, g, b) => ops.layerNorm(x, g, b, 1e-5), inputs),
      // Both outputs reach the loss, so x's gradient is the LayerNorm's plus the residual's.
      withResidual: await kernelChecks.fusedVersusPlain((x, g, b) => {
        const [normed, residual] = ops.layerNormAndResidual(x, g, b, 1e-5);
        return tf.add(tf.mul(normed, 3), tf.mul(residual, residual));
      }, inputs),
    };
  });
  for (const [label, c] of Object.entries(results)) expectClose(label, c, "HardNegLayerNorm");
});

test("attention (scaled QK^T, causal mask, softmax, times V) matches the plain ops", async ({ page }) => {
  const results = await page.evaluate(async () => {
    const { tf, ops, kernelChecks } = window.harness;
    const qkv = tf.mul(tf.randomNormal([3, 5, 24], 0, 1, "float32", 1), 2);
    return {
      causal: await kernelChecks.fusedVersusPlain((q) => ops.multiHeadAttention(q as never, 2, true), [qkv]),
      full: await kernelChecks.fusedVersusPlain((q) => ops.multiHeadAttention(q as never, 2, false), [qkv]),
      oneHead: await kernelChecks.fusedVersusPlain((q) => ops.multiHeadAttention(q as never, 1, true), [qkv]),
    };
  });
  for (const [label, c] of Object.entries(results)) expectClose(label, c, "HardNegAttention");
});

test("token and patch embeddings (repeated ids) match the plain ops", async ({ page }) => {
  const results = await page.evaluate(async () => {
    const { tf, ops, kernelChecks } = window.harness;
    const r = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);
    const ids = Int32Array.from([3, 1, 3, 3, 0, 10, 1, 2, 3, 3]);
    return {
      tokens: await kernelChecks.fusedVersusPlain(
        (table, pos) => ops.embedTokens(table as never, pos as never, ids, 2, 5),
        [r([11, 8], 1), r([6, 8], 2)],
      ),
      patches: await kernelChecks.fusedVersusPlain(
        (patches, cls, pos) => ops.withClassToken(patches as never, cls, pos),
        [r([3, 4, 8], 3), r([8], 4), r([5, 8], 5)],
      ),
    };
  });
  expectClose("tokens", results.tokens, "HardNegTokenEmbedding");
  expectClose("patches", results.patches, "HardNegPatchEmbedding");
});

test("flat AdamW in one kernel matches the plain step, skipping non-finite steps", async ({ page }) => {
  for (const clipNorm of [0, 0.5]) {
    const steps = await page.evaluate((c) => window.harness.kernelChecks.adamwFusedVersusPlain(c), clipNorm);
    expect(steps.map((s) => s.applied)).toEqual([
      [1, 1],
      [1, 1],
      [0, 0], // infinite gradient entry
      [0, 0], // NaN loss
      [1, 1], // one gradient missing (zero)
    ]);
    expect(steps.map((s) => s.steps[0])).toEqual([1, 2, 2, 2, 3]);
    for (const s of steps) {
      expect(s.steps[0]).toBe(s.steps[1]);
      if (s.applied[0] === 1)
        expect(Math.abs(s.gradNorm[0] - s.gradNorm[1])).toBeLessThan(1e-5 * s.gradNorm[1]);
      expect(s.paramDiff).toBeLessThan(1e-6);
      expect(s.momentDiff).toBeLessThan(1e-6);
    }
  }
});

test("a training step of the default model: same loss and update, at most a third of the kernels", async ({
  page,
}) => {
  const c = await page.evaluate(() => window.harness.kernelChecks.trainingStepFusedVersusPlain(2));
  expect(Math.abs(c.loss[0] - c.loss[1])).toBeLessThan(1e-4 * Math.abs(c.loss[1]));
  expect(c.paramDiff).toBeLessThan(1e-4);
  expect(c.kernels[0] * 3).toBeLessThanOrEqual(c.kernels[1]);
  expect(c.tensorsLeaked).toBe(0);
});
