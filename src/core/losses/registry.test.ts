import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { objectives } from "./registry.js";
import { keepState } from "./state.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("objective registry", () => {
  it("lists every objective under its own name, with defaults from its schema", () => {
    const bases = ["clip", "negclip", "ceclip", "fscclip", "degla"];
    expect(Object.keys(objectives)).toEqual([
      ...bases,
      ...bases.map((b) => `${b}+imageneg`),
      ...bases.map((b) => `${b}+keywords`),
      ...bases.map((b) => `${b}+imageneg+keywords`),
    ]);
    for (const [key, objective] of Object.entries(objectives)) {
      expect(objective.name).toBe(key);
      expect(objective.optionsSchema.parse({})).toEqual(objective.defaultOptions);
    }
    expect(objectives.clip.usesHardNegatives).toBe(false);
    expect(objectives.ceclip.usesHardNegatives).toBe(true);
  });

  // FSC-CLIP and DeGLA need token features and a teacher: registryFineGrained.test.ts.
  it("every embedding-only objective runs a training-loop step through the generic interface without leaking", async () => {
    const [n, k, d] = [4, 2, 3];
    const values = (count: number, offset: number) =>
      Array.from({ length: count }, (_, j) => Math.sin(j + offset));
    const inputs = {
      imageEmb: tf.tensor2d(values(n * d, 0), [n, d]),
      textEmb: tf.tensor2d(values(n * d, 1), [n, d]),
      hardNegEmb: tf.tensor2d(values(n * k * d, 2), [n * k, d]),
      numNegativeTypes: k,
      logitScaleLog: tf.scalar(Math.log(20)),
    };
    for (const objective of [objectives.clip, objectives.negclip, objectives.ceclip]) {
      const options = objective.defaultOptions;
      const initial = objective.initialState(options, k);
      let state = objective.onEpochStart(initial, options);
      tf.dispose(initial);
      const before = tf.memory().numTensors;
      const total = tf.tidy(() => {
        const out = objective.compute(inputs, state, options);
        const previous = state;
        state = keepState(out.nextState); // as the training loop does
        tf.dispose(previous);
        return out.total;
      });
      const loss = (await total.data())[0];
      total.dispose();
      expect(Number.isFinite(loss) && loss > 0).toBe(true);
      expect(tf.memory().numTensors).toBe(before); // new state replaced the old one
      const saved = await objective.serializeState(state);
      expect(Object.keys(saved)).toEqual(objective.name === "ceclip" ? ["thresholds"] : []);
      tf.dispose(state);
    }
  });
});
