import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { deglaObjective } from "./degla.js";
import { fscClipObjective } from "./fscclip.js";
import { getObjective, objectives } from "./registry.js";
import { keepState } from "./state.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("objective registry: FSC-CLIP and DeGLA", () => {
  it("lists fscclip and degla under their own names, with defaults from their schemas", () => {
    expect(Object.keys(objectives)).toEqual(expect.arrayContaining(["fscclip", "degla"]));
    expect(getObjective("fscclip")).toBe(fscClipObjective);
    expect(getObjective("degla")).toBe(deglaObjective);
    for (const objective of [fscClipObjective, deglaObjective]) {
      expect(objective.optionsSchema.parse({})).toEqual(objective.defaultOptions);
      const described = Object.values((objective.optionsSchema as unknown as { shape: object }).shape);
      for (const field of described) expect((field as { description?: string }).description).toBeTruthy();
    }
  });

  it("both run a training-loop step through the generic interface without leaking", async () => {
    const [n, k, d, t, p] = [3, 2, 4, 5, 6];
    const values = (count: number, offset: number) =>
      Array.from({ length: count }, (_, j) => Math.sin(1.3 * j + offset));
    const tokenMask = (rows: number) =>
      tf.tensor2d(
        Array.from({ length: rows * t }, (_, j) => (j % t === 0 || j % t > 3 ? 0 : 1)),
        [rows, t],
      );
    const inputs = {
      imageEmb: tf.tensor2d(values(n * d, 0), [n, d]),
      textEmb: tf.tensor2d(values(n * d, 1), [n, d]),
      hardNegEmb: tf.tensor2d(values(n * k * d, 2), [n * k, d]),
      validMask: tf.tensor2d([1, 1, 0, 1, 1, 0], [n, k]),
      numNegativeTypes: k,
      logitScaleLog: tf.scalar(Math.log(20)),
      imageTokens: tf.tensor3d(values(n * p * d, 3), [n, p, d]),
      textTokens: tf.tensor3d(values(n * t * d, 4), [n, t, d]),
      textTokenMask: tokenMask(n),
      hardNegTokens: tf.tensor3d(values(n * k * t * d, 5), [n * k, t, d]),
      hardNegTokenMask: tokenMask(n * k),
      teacherImageEmb: tf.tensor2d(values(n * d, 6), [n, d]),
      teacherTextEmb: tf.tensor2d(values(n * d, 7), [n, d]),
      teacherHardNegEmb: tf.tensor2d(values(n * k * d, 8), [n * k, d]),
    };
    for (const objective of [getObjective("fscclip"), getObjective("degla")]) {
      const options = objective.defaultOptions;
      let state = objective.onEpochStart(objective.initialState(options, k), options);
      const before = tf.memory().numTensors;
      const total = tf.tidy(() => {
        const out = objective.compute(inputs, state, options);
        state = keepState(out.nextState);
        return out.total;
      });
      const loss = (await total.data())[0];
      total.dispose();
      expect(Number.isFinite(loss) && loss > 0).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
      expect(await objective.serializeState(state)).toEqual({});
    }
    tf.dispose(Object.values(inputs).filter((x) => typeof x !== "number"));
  });
});
