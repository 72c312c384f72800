import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectiveCalibratedRegularization } from "./scr.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const options = { focalGamma: 2, labelSmoothing: 0.02 };

describe("selective calibrated regularisation", () => {
  it("matches a hand-computed row with one missing negative", () => {
    // z = [2, 1, 0], m = [1, 0]: n = 2, y = [0.98 + 0.01, 0.01, 0];
    // p = softmax(z) = [0.665241, 0.244728, 0.090031] (the missing class keeps its share);
    // loss = 0.99 (1 - 0.665241)^2 (-ln 0.665241) + 0.01 (1 - 0.244728)^2 (-ln 0.244728)
    //      = 0.99 * 0.112063 * 0.407606 + 0.01 * 0.570436 * 1.407606 = 0.0452210 + 0.0080295
    const { loss, perRow, counted } = selectiveCalibratedRegularization(
      tf.tensor2d([[2, 1, 0]]),
      tf.tensor2d([[1, 0]]),
      options,
    );
    expect(loss.dataSync()[0]).toBeCloseTo(0.0532505, 6);
    expect(perRow.dataSync()[0]).toBeCloseTo(0.0532505, 6);
    expect(Array.from(counted.dataSync())).toEqual([1]);
  });

  it("averages over rows with a valid negative only; no valid row at all gives 0", () => {
    const logits = tf.tensor2d([
      [2, 1, 0],
      [5, -3, 4],
    ]);
    const mixed = selectiveCalibratedRegularization(
      logits,
      tf.tensor2d([
        [1, 0],
        [0, 0],
      ]),
      options,
    );
    expect(mixed.loss.dataSync()[0]).toBeCloseTo(0.0532505, 6);
    expect(Array.from(mixed.counted.dataSync())).toEqual([1, 0]);
    const none = selectiveCalibratedRegularization(logits, tf.zeros([2, 2]), options);
    expect(none.loss.dataSync()[0]).toBe(0);
  });

  it("is plain label-smoothed cross-entropy at gamma 0", () => {
    const { loss } = selectiveCalibratedRegularization(tf.tensor2d([[2, 1, 0]]), tf.tensor2d([[1, 1]]), {
      focalGamma: 0,
      labelSmoothing: 0.03,
    });
    const logZ = Math.log(Math.exp(2) + Math.exp(1) + 1);
    const expected = 0.98 * (logZ - 2) + 0.01 * (logZ - 1) + 0.01 * logZ;
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
  });
});
