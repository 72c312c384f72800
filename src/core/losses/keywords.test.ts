import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  averagePrecision,
  binaryCrossEntropyWithLogits,
  keywordAugmentation,
  keywordTerms,
} from "./keywords.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const bce = (z: number, y: number) => -(y * Math.log(sigmoid(z)) + (1 - y) * Math.log(1 - sigmoid(z)));

describe.each(["cpu", "wasm"])("keyword prediction on %s", (backend) => {
  it("starts", async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it("binary cross-entropy equals -[y log p + (1-y) log(1-p)], also for large logits", () => {
    const logits = [
      [2, -1, 30],
      [0, 3, -30],
    ];
    const targets = [
      [1, 0, 1],
      [0, 1, 1],
    ];
    const ours = binaryCrossEntropyWithLogits(tf.tensor2d(logits), tf.tensor2d(targets)).dataSync()[0];
    // -30 with target 1: sigmoid underflows in float32 (log 0), the stable form gives ~30.
    const expected = logits.flat().reduce((sum, z, j) => sum + bce(z, targets.flat()[j]), 0) / 6;
    expect(ours).toBeCloseTo(expected, 5);
  });

  it("average precision by hand: ranks 1 and 3 of 4 give (1 + 2/3) / 2; a row without positives gives 0", () => {
    const scores = tf.tensor2d([
      [0.9, 0.1, 0.5, 0.3],
      [0.2, 0.4, 0.6, 0.8],
      [0.1, 0.2, 0.3, 0.4],
    ]);
    const targets = tf.tensor2d([
      [1, 0, 0, 1],
      [0, 0, 0, 1],
      [0, 0, 0, 0],
    ]);
    const ap = Array.from(averagePrecision(scores, targets).dataSync());
    expect(ap[0]).toBeCloseTo((1 + 2 / 3) / 2, 6);
    expect(ap[1]).toBe(1);
    expect(ap[2]).toBe(0);
  });
});

describe("keyword prediction", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  it("head on the normalised image embedding: loss, mean AP over images with keywords, gradients by central differences", () => {
    const image = [
      [3, 4],
      [0, -2],
    ];
    const weight = [
      [1, 0],
      [0, 1],
      [1, 1],
    ];
    const bias = [0.5, -0.5, 0];
    const targets = [
      [1, 0, 1],
      [0, 0, 0],
    ];
    // Normalised images (0.6, 0.8) and (0, -1): logits [1.1, 0.3, 1.4] and [0.5, -1.5, -1].
    const referenceLoss = (img: number[][], w: number[][]) => {
      let sum = 0;
      img.forEach((x, i) => {
        const norm = Math.hypot(...x);
        w.forEach((row, v) => {
          const z = (row[0] * x[0] + row[1] * x[1]) / norm + bias[v];
          sum += bce(z, targets[i][v]);
        });
      });
      return sum / 6;
    };
    const [imageT, weightT] = [tf.tensor2d(image), tf.tensor2d(weight)];
    const head = (w: tf.Tensor2D) => ({ weight: w, bias: tf.tensor1d(bias) });
    const terms = keywordTerms(imageT, head(weightT), tf.tensor2d(targets));
    expect(terms.loss.dataSync()[0]).toBeCloseTo(referenceLoss(image, weight), 6);
    // Image 0 ranks keyword 2 (1.4), 0 (1.1), 1 (0.3): both positives first, AP 1. Image 1 has none.
    expect(terms.meanAveragePrecision.dataSync()[0]).toBe(1);

    const [gImage, gWeight] = tf
      .grads((x, w) => keywordTerms(x as tf.Tensor2D, head(w as tf.Tensor2D), tf.tensor2d(targets)).loss)([
        imageT,
        weightT,
      ])
      .map((g) => g.arraySync() as number[][]);
    const eps = 1e-6;
    const fd = (which: "image" | "weight", i: number, j: number) => {
      const shifted = (delta: number) => {
        const [img, w] = [structuredClone(image), structuredClone(weight)];
        (which === "image" ? img : w)[i][j] += delta;
        return referenceLoss(img, w);
      };
      return (shifted(eps) - shifted(-eps)) / (2 * eps);
    };
    for (const [i, j] of [
      [0, 0],
      [0, 1],
      [1, 1],
    ])
      expect(gImage[i][j]).toBeCloseTo(fd("image", i, j), 5);
    for (const [v, j] of [
      [0, 0],
      [1, 1],
      [2, 0],
    ])
      expect(gWeight[v][j]).toBeCloseTo(fd("weight", v, j), 5);
  });

  it("as an augmentation: weighted by keywordWeight, logs loss and mean AP, checks the target shape", () => {
    const inputs = {
      imageEmb: tf.tensor2d([[1, 0]]),
      textEmb: tf.tensor2d([[1, 0]]),
      numNegativeTypes: 0,
      logitScaleLog: tf.scalar(1),
      keywordHead: { weight: tf.zeros([3, 2]) as tf.Tensor2D, bias: tf.zeros([3]) as tf.Tensor1D },
    };
    expect(() => keywordAugmentation.compute(inputs, { keywordWeight: 0.1 })).toThrow(/keywordTargets/);
    expect(() =>
      keywordAugmentation.compute({ ...inputs, keywordTargets: tf.zeros([1, 2]) }, { keywordWeight: 0.1 }),
    ).toThrow(/\[1,2\], expected \[1, 3\]/);
    const out = keywordAugmentation.compute(
      { ...inputs, keywordTargets: tf.tensor2d([[1, 0, 0]]) },
      {
        keywordWeight: 0.1,
      },
    );
    expect(out.weight).toBe(0.1);
    expect(Object.keys(out.terms)).toEqual(["keyword", "keywordMap"]);
    expect(out.loss.dataSync()[0]).toBeCloseTo(Math.log(2), 6); // every logit 0
  });
});
