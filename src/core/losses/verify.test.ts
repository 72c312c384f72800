import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import ceclipCases from "../../../test/fixtures/losses/ceclip.json";
import { verifyObjectiveCases } from "./verify.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const copy = () => structuredClone(ceclipCases);

describe("verifyObjectiveCases on ceclip.json", () => {
  it("passes every case: each loss term, both threshold vectors, the hinge matrix and 4 gradients", async () => {
    const before = tf.memory().numTensors;
    const result = await verifyObjectiveCases(ceclipCases);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.cases).toHaveLength(ceclipCases.cases.length);
    for (const c of result.cases) {
      expect(c.objective).toBe("ceclip");
      expect(Object.keys(c.details).sort()).toEqual(
        [
          "cmr_hinge_matrix",
          "cmr_loss",
          "grad.hardneg_emb",
          "grad.image_emb",
          "grad.logit_scale_log",
          "grad.text_emb",
          "imc_loss",
          "itc_i2t",
          "itc_loss",
          "itc_t2i",
          "thresholds_next_per_type",
          "thresholds_used_per_type",
          "total_loss",
        ].sort(),
      );
      expect(c.maxRelLossDiff).toBeLessThanOrEqual(1e-4);
      expect(c.maxRelGradDiff).toBeLessThanOrEqual(1e-3);
      expect(c.pass).toBe(true);
    }
    expect(result.pass).toBe(true);
  });

  it("fails a case whose reference loss or gradient is off", async () => {
    const file = copy();
    file.cases[0].expected.cmr_loss += 1e-3;
    file.cases[2].grad.image_emb[0][0] *= 1.01;
    const result = await verifyObjectiveCases(file);
    expect(result.pass).toBe(false);
    expect(result.cases[0].details.cmr_loss.pass).toBe(false);
    expect(result.cases[0].details.cmr_loss.maxAbs).toBeCloseTo(1e-3, 5);
    expect(result.cases[0].details.itc_loss.pass).toBe(true);
    expect(result.cases[2].details["grad.image_emb"].pass).toBe(false);
    expect(result.cases[2].maxRelGradDiff).toBeGreaterThan(9e-3);
    expect(result.cases[1].pass).toBe(true);
  });

  it("accepts thresholds as one number or as [K]", async () => {
    const file = copy();
    const asArray = { ...file.cases[0], inputs: { ...file.cases[0].inputs, thresholds: [0, 0, 0, 0] } };
    expect((await verifyObjectiveCases({ cases: [asArray] })).pass).toBe(true);
    const wrongSize = { ...file.cases[0], inputs: { ...file.cases[0].inputs, thresholds: [0, 0] } };
    await expect(verifyObjectiveCases({ cases: [wrongSize] })).rejects.toThrow(/\[4\]/);
  });

  it("throws on a format no adapter knows and on an option it would ignore", async () => {
    const file = copy();
    const { thresholds: _t, ...inputs } = file.cases[0].inputs;
    await expect(verifyObjectiveCases({ cases: [{ ...file.cases[0], inputs }] })).rejects.toThrow(
      /no fixture adapter/,
    );
    const extraOption = { ...file.cases[0], options: { ...file.cases[0].options, margin: 1 } };
    await expect(verifyObjectiveCases({ cases: [extraOption] })).rejects.toThrow();
    await expect(verifyObjectiveCases({ description: "no cases" })).rejects.toThrow();
  });
});
