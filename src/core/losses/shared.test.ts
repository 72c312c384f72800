import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { crossEntropy, l2Normalize, ownNegativeLogits } from "./shared.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("shared loss pieces", () => {
  it("l2Normalize scales rows to unit length; a zero row stays zero with a finite gradient", () => {
    const x = tf.tensor2d([
      [3, 4],
      [0, 0],
    ]);
    expect(Array.from(l2Normalize(x).dataSync())).toEqual([0.6000000238418579, 0.800000011920929, 0, 0]);
    const grad = tf.grad((v: tf.Tensor) =>
      tf.sum(
        tf.mul(
          l2Normalize(v),
          tf.tensor2d([
            [1, 2],
            [3, 4],
          ]),
        ),
      ),
    )(x);
    const [g0, g1, g2, g3] = Array.from(grad.dataSync());
    // d/dx of <x/|x|, w> = (w - <u,w> u) / |x| with u = (0.6, 0.8), <u,w> = 2.2
    expect(g0).toBeCloseTo((1 - 2.2 * 0.6) / 5, 6);
    expect(g1).toBeCloseTo((2 - 2.2 * 0.8) / 5, 6);
    expect(Number.isFinite(g2) && Number.isFinite(g3)).toBe(true);
  });

  it("crossEntropy is the mean of -log softmax at integer targets", () => {
    const logits = tf.tensor2d([
      [1, 2, 3],
      [0, 0, 5],
    ]);
    const expected =
      (Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 1 + (Math.log(2 + Math.exp(5)) - 5)) / 2;
    expect(crossEntropy(logits, tf.tensor1d([0, 2], "int32")).dataSync()[0]).toBeCloseTo(expected, 5);
  });

  it("ownNegativeLogits reads negatives sample-major (row i*K + k)", () => {
    const anchors = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const negatives = tf.tensor2d([
      [1, 0], // i=0 k=0
      [0, 1], // i=0 k=1
      [2, 0], // i=1 k=0
      [0, 3], // i=1 k=1
    ]);
    const h = ownNegativeLogits(anchors, negatives, 2, tf.scalar(10));
    expect(h.arraySync()).toEqual([
      [10, 0],
      [0, 30],
    ]);
  });
});
