import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { type CeClipOptions, ceClipObjective } from "./ceclip.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

// ---- float64 reference, written from docs/methods.md independently of the tfjs code ----
type Matrix = number[][];
interface Batch {
  images: Matrix;
  texts: Matrix;
  negatives: Matrix[]; // [N][K][D]
  mask: Matrix;
  logitScaleLog: number;
}

const unit = (x: number[]) => x.map((v) => v / Math.hypot(...x));
const dot = (a: number[], b: number[]) => a.reduce((sum, v, j) => sum + v * b[j], 0);
const crossEntropyRow = (row: number[], target: number) => {
  const m = Math.max(...row);
  return m + Math.log(row.reduce((sum, x) => sum + Math.exp(x - m), 0)) - row[target];
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function referenceTotal(b: Batch, thresholds: number[]): number {
  const s = Math.exp(b.logitScaleLog);
  const v = b.images.map(unit);
  const t = b.texts.map(unit);
  const neg = b.negatives.flat().map(unit); // sample-major
  const n = v.length;
  const k = b.negatives[0].length;
  const i2t = mean(
    v.map((vi, i) =>
      crossEntropyRow(
        [...t, ...neg].map((x) => s * dot(vi, x)),
        i,
      ),
    ),
  );
  const t2i = mean(
    t.map((ti, i) =>
      crossEntropyRow(
        v.map((x) => s * dot(ti, x)),
        i,
      ),
    ),
  );
  const g = v.map((vi, i) => s * dot(vi, t[i]));
  let cmr = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const h = s * dot(v[i], neg[i * k + j]) * b.mask[i][j];
      cmr += b.mask[i][j] * Math.max(0, thresholds[j] + h - g[i]);
    }
  }
  cmr /= n * k;
  const imc = mean(t.map((ti, i) => crossEntropyRow([g[i], ...neg.map((x) => s * dot(ti, x))], 0)));
  return (i2t + t2i) / 2 + 0.2 * cmr + 0.3 * imc;
}

// Deterministic pseudo-random batch: N = 3, K = 2, D = 4, one masked negative.
function makeBatch(): Batch {
  let seed = 7;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };
  const matrix = (rows: number, cols: number) =>
    Array.from({ length: rows }, () => Array.from({ length: cols }, rand));
  const texts = matrix(3, 4);
  // Negatives near their caption, so the rank loss is active.
  const negatives = texts.map((t) => [0, 1].map(() => t.map((x) => x + 0.3 * rand())));
  return {
    images: texts.map((t) => t.map((x) => x + 0.4 * rand())),
    texts,
    negatives,
    mask: [
      [1, 1],
      [0, 1],
      [1, 1],
    ],
    logitScaleLog: Math.log(10),
  };
}

function inputsOf(b: Batch) {
  const n = b.images.length;
  const k = b.negatives[0].length;
  return {
    imageEmb: tf.tensor2d(b.images),
    textEmb: tf.tensor2d(b.texts),
    hardNegEmb: tf.tensor2d(b.negatives.flat()),
    validMask: tf.tensor2d(b.mask),
    numNegativeTypes: k,
    logitScaleLog: tf.scalar(b.logitScaleLog),
    n,
  };
}

const options: CeClipOptions = ceClipObjective.defaultOptions;
const thresholds = [0.5, 1.5];

describe("ceclip objective", () => {
  it("has the published defaults", () => {
    expect(options).toEqual({
      thresholdType: "mean",
      upperBound: 10,
      fixedThreshold: 2,
      imcVariant: "imageTextPositive",
      cmrWeight: 0.2,
      imcWeight: 0.3,
      resetEachEpoch: true,
    });
  });

  it("total and gradients match a float64 reference and its central differences", () => {
    const batch = makeBatch();
    const { n: _n, ...inputs } = inputsOf(batch);
    const state = { thresholds: tf.tensor1d(thresholds) };
    const total = ceClipObjective.compute(inputs, state, options).total.dataSync()[0];
    expect(total).toBeCloseTo(referenceTotal(batch, thresholds), 4);

    const [dImages, dNegatives, dScale] = tf
      .grads(
        (images, negatives, scaleLog) =>
          ceClipObjective.compute(
            {
              ...inputs,
              imageEmb: images as tf.Tensor2D,
              hardNegEmb: negatives as tf.Tensor2D,
              logitScaleLog: scaleLog as tf.Scalar,
            },
            state,
            options,
          ).total,
      )([inputs.imageEmb, inputs.hardNegEmb, inputs.logitScaleLog])
      .map((g) => Array.from(g.dataSync()));

    const eps = 1e-6;
    const centralDifference = (perturb: (b: Batch, delta: number) => void) => {
      const up = structuredClone(batch);
      const down = structuredClone(batch);
      perturb(up, eps);
      perturb(down, -eps);
      return (referenceTotal(up, thresholds) - referenceTotal(down, thresholds)) / (2 * eps);
    };
    const checks: Array<[number, number]> = [
      [dImages[1 * 4 + 2], centralDifference((b, d) => (b.images[1][2] += d))],
      [dImages[0 * 4 + 0], centralDifference((b, d) => (b.images[0][0] += d))],
      [dNegatives[(2 * 2 + 1) * 4 + 3], centralDifference((b, d) => (b.negatives[2][1][3] += d))],
      [dNegatives[(1 * 2 + 0) * 4 + 1], centralDifference((b, d) => (b.negatives[1][0][1] += d))],
      [dScale[0], centralDifference((b, d) => (b.logitScaleLog += d))],
    ];
    for (const [ours, reference] of checks) {
      expect(Math.abs(reference)).toBeGreaterThan(1e-3); // a check on a zero gradient proves little
      expect(Math.abs(ours - reference) / Math.abs(reference)).toBeLessThan(1e-3);
    }
  });

  it("reports per-sample values and per-type summaries consistent with each other", () => {
    const { n, ...inputs } = inputsOf(makeBatch());
    const out = ceClipObjective.compute(inputs, { thresholds: tf.tensor1d(thresholds) }, options);
    const g = out.perSample.g.arraySync() as number[];
    const h = out.perSample.h.arraySync() as Matrix;
    const hinge = out.perSample.hinge.arraySync() as Matrix;
    const violated = out.perSample.violated.arraySync() as Matrix;
    const mask = makeBatch().mask;
    expect(h[1][0]).toBe(0); // masked negative
    for (let k = 0; k < 2; k++) {
      const valid = [0, 1, 2].filter((i) => mask[i][k] === 1);
      const margins = valid.map((i) => thresholds[k] + h[i][k] - g[i]);
      valid.forEach((i, j) => {
        expect(hinge[i][k]).toBeCloseTo(Math.max(0, margins[j]), 5);
        expect(violated[i][k]).toBe(margins[j] > 0 ? 1 : 0);
      });
      expect(out.terms[`theta_${k}`].dataSync()[0]).toBeCloseTo(thresholds[k], 6);
      expect(out.terms[`gap_${k}`].dataSync()[0]).toBeCloseTo(mean(g) - mean(valid.map((i) => h[i][k])), 4);
      const rate = margins.filter((m) => m > 0).length / valid.length;
      expect(out.terms[`violationRate_${k}`].dataSync()[0]).toBeCloseTo(rate, 6);
    }
    expect(out.terms.cmr.dataSync()[0]).toBeCloseTo(hinge.flat().reduce((a, b) => a + b, 0) / (n * 2), 5);
    // The batch was built so that the rank loss is active and not everything is violated.
    expect(violated.flat().some((x) => x === 1)).toBe(true);
  });

  it("creates no tensors that outlive the caller's tidy", () => {
    const { n: _n, ...inputs } = inputsOf(makeBatch());
    const state = { thresholds: tf.tensor1d(thresholds) };
    for (const imcVariant of ["imageTextPositive", "officialHead", "official2023"] as const) {
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        ceClipObjective.compute(inputs, state, { ...options, imcVariant });
      });
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it("needs hard negatives and a state that fits K", () => {
    const { n: _n, ...inputs } = inputsOf(makeBatch());
    const { hardNegEmb: _h, ...noNegatives } = inputs;
    const state = { thresholds: tf.tensor1d(thresholds) };
    expect(() => ceClipObjective.compute(noNegatives, state, options)).toThrow(/hard negatives/);
    expect(() => ceClipObjective.compute(inputs, { thresholds: tf.zeros([3]) }, options)).toThrow(/K = 2/);
  });
});
