import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import deglaCases from "../../../test/fixtures/losses/degla.json";
import { deglaObjective } from "./degla.js";
import { verifyObjectiveCases } from "./verify.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function inputsOf(c: (typeof deglaCases.cases)[number]) {
  const k = c.inputs.hardneg_emb[0].length;
  return {
    imageEmb: tf.tensor2d(c.inputs.image_emb),
    textEmb: tf.tensor2d(c.inputs.text_emb),
    hardNegEmb: tf.tensor2d(c.inputs.hardneg_emb.flat()),
    numNegativeTypes: k,
    logitScaleLog: tf.scalar(c.inputs.logit_scale_log),
    teacherImageEmb: tf.tensor2d(c.inputs.teacher_image_emb),
    teacherTextEmb: tf.tensor2d(c.inputs.teacher_text_emb),
    teacherHardNegEmb: tf.tensor2d(c.inputs.teacher_hardneg_emb.flat()),
  };
}

describe("degla objective", () => {
  it("has the published defaults", () => {
    expect(deglaObjective.defaultOptions).toEqual({
      tgcWeight: 0.1,
      igcWeight: 0.1,
      distillWeight: 0.005,
      tgcScale: 10,
      teacherDecay: 0.9996,
    });
    expect(deglaObjective.usesHardNegatives).toBe(true);
  });

  it("passes every case of degla.json: 5 losses and 4 gradients, without leaking", async () => {
    const before = tf.memory().numTensors;
    const result = await verifyObjectiveCases(deglaCases);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.cases).toHaveLength(deglaCases.cases.length);
    for (const c of result.cases) {
      expect(c.objective).toBe("degla");
      expect(Object.keys(c.details).sort()).toEqual(
        [
          "base_loss",
          "tgc_loss",
          "igc_loss",
          "distill_loss",
          "total_loss",
          "grad.image_emb",
          "grad.text_emb",
          "grad.hardneg_emb",
          "grad.logit_scale_log",
        ].sort(),
      );
      expect(c.maxRelLossDiff).toBeLessThanOrEqual(1e-4);
      expect(c.maxRelGradDiff).toBeLessThanOrEqual(1e-3);
    }
    expect(result.pass).toBe(true);
  });

  it("treats the teacher as a constant: no gradient reaches it", () => {
    const inputs = inputsOf(deglaCases.cases[0]);
    const options = deglaObjective.defaultOptions;
    const [dTeacherText, dStudentText] = tf.grads(
      (teacherText, studentText) =>
        deglaObjective.compute(
          { ...inputs, teacherTextEmb: teacherText as tf.Tensor2D, textEmb: studentText as tf.Tensor2D },
          {},
          options,
        ).total,
    )([inputs.teacherTextEmb, inputs.textEmb]);
    expect(Array.from(dTeacherText.dataSync()).every((x) => x === 0)).toBe(true);
    expect(Array.from(dStudentText.dataSync()).some((x) => x !== 0)).toBe(true);
    tf.dispose([dTeacherText, dStudentText]);
  });

  it("needs teacher embeddings of the student's shapes and leaks nothing", () => {
    const inputs = inputsOf(deglaCases.cases[1]);
    const options = deglaObjective.defaultOptions;
    const { teacherImageEmb: _t, ...noTeacher } = inputs;
    expect(() => deglaObjective.compute(noTeacher, {}, options)).toThrow(/teacher embeddings/);
    const wrong = { ...inputs, teacherHardNegEmb: tf.zeros([2, 8]) as tf.Tensor2D };
    expect(() => deglaObjective.compute(wrong, {}, options)).toThrow(/teacherHardNegEmb/);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      deglaObjective.compute(inputs, {}, options);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
