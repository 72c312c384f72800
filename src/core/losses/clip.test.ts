import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { clipObjective } from "./clip.js";
import { negClipObjective } from "./negclip.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** log(sum exp) of a few numbers, in float64. */
const logSumExp = (...xs: number[]) => Math.log(xs.reduce((sum, x) => sum + Math.exp(x), 0));

// N = 2, D = 2, raw (un-normalised) inputs; after normalisation v1 = e1, v2 = e2,
// t1 = (e1 + e2)/sqrt2, t2 = e2. With s = 4, a = s/sqrt2 = <v1,t1> s = <v2,t1> s.
const s = 4;
const a = s / Math.SQRT2;
const batch = () => ({
  imageEmb: tf.tensor2d([
    [3, 0],
    [0, 2],
  ]),
  textEmb: tf.tensor2d([
    [1, 1],
    [0, 5],
  ]),
  logitScaleLog: tf.scalar(Math.log(s)),
});

describe("clip objective (symmetric InfoNCE)", () => {
  it("matches the hand-computed loss on a 2x2 batch", () => {
    const out = clipObjective.compute({ ...batch(), numNegativeTypes: 0 }, {}, clipObjective.defaultOptions);
    // i2t rows: [a, 0] target 0; [a, s] target 1. t2i rows: [a, a] target 0; [0, s] target 1.
    const i2t = (logSumExp(a, 0) - a + logSumExp(a, s) - s) / 2;
    const t2i = (Math.log(2) + logSumExp(0, s) - s) / 2;
    expect(out.terms.itcI2t.dataSync()[0]).toBeCloseTo(i2t, 5);
    expect(out.terms.itcT2i.dataSync()[0]).toBeCloseTo(t2i, 5);
    expect(out.total.dataSync()[0]).toBeCloseTo((i2t + t2i) / 2, 5);
    const [g0, g1] = Array.from(out.perSample.g.dataSync());
    expect(g0).toBeCloseTo(a, 5);
    expect(g1).toBeCloseTo(s, 5);
  });
});

describe("negclip objective (hard negatives in image-to-text only)", () => {
  it("matches the hand-computed loss with one negative per sample", () => {
    // Negatives: sample 0 -> (1,-1)/sqrt2, sample 1 -> -e1 (raw, un-normalised).
    const hardNegEmb = tf.tensor2d([
      [2, -2],
      [-7, 0],
    ]);
    const out = negClipObjective.compute(
      { ...batch(), hardNegEmb, numNegativeTypes: 1 },
      {},
      negClipObjective.defaultOptions,
    );
    // Every image sees [t1, t2, n1, n2]: v1 -> [a, 0, a, -s], v2 -> [a, s, -a, 0].
    const i2t = (logSumExp(a, 0, a, -s) - a + logSumExp(a, s, -a, 0) - s) / 2;
    const t2i = (Math.log(2) + logSumExp(0, s) - s) / 2; // images only, as in CLIP
    expect(out.terms.itcI2t.dataSync()[0]).toBeCloseTo(i2t, 5);
    expect(out.terms.itcT2i.dataSync()[0]).toBeCloseTo(t2i, 5);
    expect(out.total.dataSync()[0]).toBeCloseTo((i2t + t2i) / 2, 5);
    const [h0, h1] = Array.from(out.perSample.h.dataSync());
    expect(h0).toBeCloseTo(a, 5);
    expect(h1).toBeCloseTo(0, 5);
  });

  it("refuses a batch without hard negatives", () => {
    expect(() => negClipObjective.compute({ ...batch(), numNegativeTypes: 0 }, {}, {})).toThrow(
      /hard negatives/,
    );
  });
});
