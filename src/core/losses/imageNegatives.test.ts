import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { imageNegativeAugmentation, imageNegativeContrast } from "./imageNegatives.js";
import { l2Normalize } from "./shared.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

// ---- float64 reference of L_nva, written from docs/methods.md independently of tfjs ----
type Matrix = number[][];
const dot = (a: number[], b: number[]) => a.reduce((sum, x, j) => sum + x * b[j], 0);
const unit = (x: number[]) => x.map((v) => v / Math.hypot(...x));

/** Mean over captions of CE(s [<t_i,v_i>, <t_i,v~_i>, <t_i,v_j> j != i], 0). */
function referenceLoss(t: Matrix, v: Matrix, vNeg: Matrix, logScale: number): number {
  const s = Math.exp(logScale);
  const [tn, vn, negn] = [t.map(unit), v.map(unit), vNeg.map(unit)];
  const rows = tn.map((ti, i) => {
    const logits = [
      s * dot(ti, vn[i]),
      s * dot(ti, negn[i]),
      ...vn.filter((_, j) => j !== i).map((vj) => s * dot(ti, vj)),
    ];
    const m = Math.max(...logits);
    const logSum = m + Math.log(logits.reduce((sum, z) => sum + Math.exp(z - m), 0));
    return logSum - logits[0];
  });
  return rows.reduce((a, b) => a + b, 0) / rows.length;
}

function sample(seed0: number, n: number, d: number): Matrix {
  let seed = seed0;
  return Array.from({ length: n }, () =>
    Array.from({ length: d }, () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647 - 0.5;
    }),
  );
}

const lossOf = (t: tf.Tensor2D, v: tf.Tensor2D, neg: tf.Tensor2D, logScale: tf.Scalar) =>
  imageNegativeContrast(l2Normalize(t), l2Normalize(v), l2Normalize(neg), tf.exp(logScale)).loss;

describe("image-side negatives: L_nva", () => {
  it("matches the float64 reference, and its gradients match central differences", () => {
    const [n, d] = [3, 5];
    const inputs = { t: sample(3, n, d), v: sample(5, n, d), neg: sample(7, n, d), logScale: Math.log(12) };
    const [t, v, neg] = [inputs.t, inputs.v, inputs.neg].map((x) => tf.tensor2d(x));
    const logScale = tf.scalar(inputs.logScale);
    const before = tf.memory().numTensors;
    const ours = tf.tidy(
      () => lossOf(t as tf.Tensor2D, v as tf.Tensor2D, neg as tf.Tensor2D, logScale).dataSync()[0],
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(ours).toBeCloseTo(referenceLoss(inputs.t, inputs.v, inputs.neg, inputs.logScale), 5);

    const grads = tf.grads((a, b, c, s) =>
      lossOf(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor2D, s as tf.Scalar),
    )([t, v, neg, logScale]);
    const [gT, gV, gNeg] = grads.slice(0, 3).map((g) => g.arraySync() as Matrix);
    const gScale = grads[3].dataSync()[0];
    const eps = 1e-6;
    const central = (perturb: (x: typeof inputs, delta: number) => void) => {
      const [up, down] = [structuredClone(inputs), structuredClone(inputs)];
      perturb(up, eps);
      perturb(down, -eps);
      const f = (x: typeof inputs) => referenceLoss(x.t, x.v, x.neg, x.logScale);
      return (f(up) - f(down)) / (2 * eps);
    };
    const matrices = { t: gT, v: gV, neg: gNeg };
    const checks: Array<[number, number]> = [];
    for (const key of ["t", "v", "neg"] as const) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < d; j++) {
          const fd = central((x, e) => {
            x[key][i][j] += e;
          });
          checks.push([matrices[key][i][j], fd]);
        }
      }
    }
    checks.push([
      gScale,
      central((x, e) => {
        x.logScale += e;
      }),
    ]);
    for (const [grad, fd] of checks)
      expect(Math.abs(grad - fd)).toBeLessThan(1e-3 * Math.max(Math.abs(fd), 1e-2));
    // The negative image is pushed away: some gradient reaches it.
    expect(Math.max(...gNeg.flat().map(Math.abs))).toBeGreaterThan(1e-2);
    tf.dispose([t, v, neg, logScale, ...grads]);
  });

  it("accuracy counts captions closer to their image than to its negative; gap is the mean cosine margin", () => {
    // Caption 0 matches image 0 (cos 1) over its negative (cos 0); caption 1 prefers its negative.
    const texts = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const images = tf.tensor2d([
      [1, 0],
      [1, 0],
    ]);
    const negatives = tf.tensor2d([
      [0, 1],
      [0, 1],
    ]);
    const out = imageNegativeContrast(texts, images, negatives, tf.scalar(1));
    expect(out.accuracy.dataSync()[0]).toBe(0.5);
    expect(out.gap.dataSync()[0]).toBeCloseTo(0, 6); // (1 - 0 + 0 - 1) / 2
    expect(Array.from(out.perSampleGap.dataSync())).toEqual([1, -1]);
    // Caption 0: logits [1, 1, 0] (images 0 and 1, negative), target 0: log(2e + 1) - 1.
    // Caption 1: logits [0, 0, 1], target 1: log(2 + e) - 0.
    const expected = (Math.log(2 * Math.E + 1) - 1 + Math.log(2 + Math.E)) / 2;
    expect(out.loss.dataSync()[0]).toBeCloseTo(expected, 5);
  });

  it("as an augmentation: weighted by imageNegWeight, logs three terms, refuses a missing negative", () => {
    const options = { imageNegWeight: 0.5 };
    const base = {
      imageEmb: tf.tensor2d(sample(1, 2, 3)),
      textEmb: tf.tensor2d(sample(2, 2, 3)),
      numNegativeTypes: 0,
      logitScaleLog: tf.scalar(Math.log(10)),
    };
    expect(() => imageNegativeAugmentation.compute(base, options)).toThrow(
      /negativeImageEmb of shape \[2,3\]/,
    );
    const out = imageNegativeAugmentation.compute(
      { ...base, negativeImageEmb: tf.tensor2d(sample(3, 2, 3)) },
      options,
    );
    expect(out.weight).toBe(0.5);
    expect(Object.keys(out.terms)).toEqual(["imageNeg", "imageNegAccuracy", "imageNegGap"]);
    expect(out.terms.imageNeg).toBe(out.loss);
  });
});
