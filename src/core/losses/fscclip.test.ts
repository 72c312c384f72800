import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import fscCases from "../../../test/fixtures/losses/fsc_clip.json";
import { fscClipObjective } from "./fscclip.js";
import { localScores } from "./tokenScores.js";
import { verifyObjectiveCases } from "./verify.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

// ---- float64 reference of S(i, c), written from docs/methods.md independently of tfjs ----
type Matrix = number[][];
const dot = (a: number[], b: number[]) => a.reduce((sum, v, j) => sum + v * b[j], 0);
const unit = (x: number[]) => x.map((v) => v / Math.hypot(...x));

/** Pooling weights from (W, U): constant in S, hence computed from the unperturbed inputs. */
function referenceWeights(tokens: Matrix, patches: Matrix): Matrix {
  return tokens.map((w) => {
    const row = patches.map((u) => dot(w, u));
    const [low, high] = [Math.min(...row), Math.max(...row)];
    const scaled = row.map((a) => (a - low) / (high - low + 1e-6));
    const total = scaled.reduce((a, b) => a + b, 0);
    return scaled.map((a) => a / total);
  });
}

function referenceScore(tokens: Matrix, patches: Matrix, mask: number[], s: number, weights: Matrix): number {
  const r = tokens.map((w, t) => {
    const pooled = patches[0].map((_, d) => weights[t].reduce((sum, a, p) => sum + a * patches[p][d], 0));
    return s * dot(unit(pooled), unit(w));
  });
  const kept = r.filter((_, t) => mask[t] === 1);
  const m = Math.max(...kept);
  return m + Math.log(kept.reduce((sum, x) => sum + Math.exp(x - m), 0));
}

function randomBatch(seed0: number) {
  let seed = seed0;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };
  const tensor = (...shape: number[]): unknown =>
    shape.length === 1
      ? Array.from({ length: shape[0] }, rand)
      : Array.from({ length: shape[0] }, () => tensor(...shape.slice(1)));
  const [n, c, t, p, d] = [2, 2, 4, 3, 5];
  return {
    patches: tensor(n, p, d) as Matrix[],
    captions: tensor(n, c, t, d) as Matrix[][],
    mask: [
      [
        [0, 1, 1, 0],
        [0, 1, 1, 1],
      ],
      [
        [0, 1, 1, 1],
        [0, 1, 0, 0],
      ],
    ],
    s: 7,
  };
}

describe("fscclip objective", () => {
  it("has the published defaults", () => {
    expect(fscClipObjective.defaultOptions).toEqual({
      globalWeight: 0.5,
      localWeight: 0.2,
      focalGamma: 2,
      labelSmoothing: 0.02,
    });
    expect(fscClipObjective.usesHardNegatives).toBe(true);
  });

  it("passes every case of fsc_clip.json: 4 losses and 7 gradients, without leaking", async () => {
    const before = tf.memory().numTensors;
    const result = await verifyObjectiveCases(fscCases);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.cases).toHaveLength(fscCases.cases.length);
    for (const c of result.cases) {
      expect(c.objective).toBe("fscclip");
      expect(Object.keys(c.details).sort()).toEqual(
        [
          "clip_loss",
          "neg_global",
          "neg_local",
          "total_loss",
          "grad.image_emb",
          "grad.text_emb",
          "grad.hardneg_emb",
          "grad.image_tokens",
          "grad.text_tokens",
          "grad.hardneg_tokens",
          "grad.logit_scale_log",
        ].sort(),
      );
      expect(c.maxRelLossDiff).toBeLessThanOrEqual(1e-4);
      expect(c.maxRelGradDiff).toBeLessThanOrEqual(1e-3);
    }
    expect(result.pass).toBe(true);
  });

  it("local score S(i, c) and its gradients match a float64 reference with A held constant", () => {
    const b = randomBatch(11);
    const patches = tf.tensor3d(b.patches);
    const captions = tf.tensor4d(b.captions);
    const mask = tf.tensor3d(b.mask);
    const scale = tf.scalar(b.s);
    const ours = localScores(patches, captions, mask, scale).arraySync();
    const reference = (bb: typeof b, i: number, c: number, weightsFrom = b) =>
      referenceScore(
        bb.captions[i][c],
        bb.patches[i],
        bb.mask[i][c],
        bb.s,
        referenceWeights(weightsFrom.captions[i][c], weightsFrom.patches[i]),
      );
    for (const i of [0, 1]) for (const c of [0, 1]) expect(ours[i][c]).toBeCloseTo(reference(b, i, c), 4);

    const [i, c] = [1, 0];
    const pick = tf.oneHot(tf.tensor1d([i * 2 + c], "int32"), 4).reshape([2, 2]);
    const [dPatches, dCaptions] = tf
      .grads((u, w) => tf.sum(tf.mul(localScores(u as tf.Tensor3D, w as tf.Tensor4D, mask, scale), pick)))([
        patches,
        captions,
      ])
      .map((g) => g.arraySync() as number[][][] | number[][][][]);
    const eps = 1e-6;
    const centralDifference = (perturb: (bb: typeof b, delta: number) => void, weightsFollow: boolean) => {
      const [up, down] = [structuredClone(b), structuredClone(b)];
      perturb(up, eps);
      perturb(down, -eps);
      const f = (bb: typeof b) => reference(bb, i, c, weightsFollow ? bb : b);
      return (f(up) - f(down)) / (2 * eps);
    };
    const textElement = (bb: typeof b, d: number) => {
      bb.captions[i][c][2][3] += d;
    };
    const imageElement = (bb: typeof b, d: number) => {
      bb.patches[i][1][4] += d;
    };
    const checks: Array<[number, number]> = [
      [(dCaptions as number[][][][])[i][c][2][3], centralDifference(textElement, false)],
      [(dPatches as number[][][])[i][1][4], centralDifference(imageElement, false)],
    ];
    for (const [grad, fd] of checks) {
      expect(Math.abs(fd)).toBeGreaterThan(1e-3);
      expect(Math.abs(grad - fd) / Math.abs(fd)).toBeLessThan(1e-3);
    }
    // The stop-gradient matters: differentiating through A gives another value.
    const throughA = centralDifference(textElement, true);
    expect(Math.abs(throughA - checks[0][1])).toBeGreaterThan(1e-3 * Math.abs(checks[0][1]));
    // Masked tokens and other captions get no gradient.
    expect((dCaptions as number[][][][])[i][c][0].every((x) => x === 0)).toBe(true);
    expect((dCaptions as number[][][][])[0].flat(2).every((x) => x === 0)).toBe(true);
  });

  it("needs token features and creates no tensors beyond the caller's tidy", async () => {
    const before = tf.memory().numTensors;
    const result = await verifyObjectiveCases({ cases: [fscCases.cases[1]] });
    expect(result.pass).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    const inputs = {
      imageEmb: tf.ones([2, 3]) as tf.Tensor2D,
      textEmb: tf.ones([2, 3]) as tf.Tensor2D,
      hardNegEmb: tf.ones([2, 3]) as tf.Tensor2D,
      numNegativeTypes: 1,
      logitScaleLog: tf.scalar(1),
    };
    expect(() => fscClipObjective.compute(inputs, {}, fscClipObjective.defaultOptions)).toThrow(
      /token features/,
    );
  });
});
