import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { augmentObjective } from "./augmented.js";
import { ceClipObjective } from "./ceclip.js";
import { imageNegativeAugmentation } from "./imageNegatives.js";
import { keywordAugmentation } from "./keywords.js";
import { getObjective, objectives } from "./registry.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("augmented objectives (a base objective + image negatives and/or keywords)", () => {
  it("merge names, labels, option defaults and needs; the registry holds every combination", () => {
    const both = getObjective("ceclip+imageneg+keywords");
    expect(both.label).toBe(
      `${ceClipObjective.label} + image-side negatives (NAS) + keyword prediction (SIMLA)`,
    );
    expect(both.defaultOptions).toEqual({
      ...ceClipObjective.defaultOptions,
      imageNegWeight: 0.5,
      imageNegShare: 0.25,
      imageNegSelection: "content",
      imageNegPrototypes: 256,
      imageNegDictionaryImages: 256,
      imageNegKmeansIterations: 20,
      keywordWeight: 0.1,
      keywordVocabSize: 256,
      keywordVocabCaptions: 1000,
    });
    expect(both.usesHardNegatives).toBe(true);
    expect(both.needs?.imageNegatives?.(both.defaultOptions)).toEqual({
      share: 0.25,
      selection: "content",
      prototypes: 256,
      dictionaryImages: 256,
      kmeansIterations: 20,
    });
    expect(both.needs?.keywords?.(both.defaultOptions)).toEqual({ vocabSize: 256, vocabCaptions: 1000 });
    expect(getObjective("fscclip+keywords").needs?.tokens).toBe(true);
    expect(getObjective("degla+imageneg").needs?.teacher).toEqual({ decayOption: "teacherDecay" });
    expect(getObjective("clip+imageneg").usesHardNegatives).toBe(false);
    for (const [name, objective] of Object.entries(objectives)) {
      expect(objective.name).toBe(name);
      const shape = (
        objective.optionsSchema as unknown as { shape: Record<string, { description?: string }> }
      ).shape;
      for (const [key, field] of Object.entries(shape))
        expect(field.description, `${name}.${key}`).toBeTruthy();
    }
    expect(() => both.optionsSchema.parse({ imageNegShare: 0 })).toThrow();
    expect(() => getObjective("ceclip+keywords+imageneg")).toThrow(
      'unknown objective "ceclip+keywords+imageneg" (objectives: clip, negclip, ceclip, fscclip, degla, ' +
        "each optionally followed by +imageneg, +keywords or +imageneg+keywords)",
    );
  });

  it("total = base total + each weight x its loss; base terms, state and state serialisation unchanged", async () => {
    const [n, k, d] = [3, 4, 5];
    const values = (count: number, offset: number) =>
      Array.from({ length: count }, (_, j) => Math.cos(0.7 * j + offset));
    const inputs = {
      imageEmb: tf.tensor2d(values(n * d, 0), [n, d]),
      textEmb: tf.tensor2d(values(n * d, 1), [n, d]),
      hardNegEmb: tf.tensor2d(values(n * k * d, 2), [n * k, d]),
      numNegativeTypes: k,
      logitScaleLog: tf.scalar(Math.log(20)),
      negativeImageEmb: tf.tensor2d(values(n * d, 3), [n, d]),
      keywordHead: { weight: tf.tensor2d(values(6 * d, 4), [6, d]), bias: tf.tensor1d(values(6, 5)) },
      keywordTargets: tf.tensor2d(
        values(n * 6, 6).map((x) => (x > 0 ? 1 : 0)),
        [n, 6],
      ),
    };
    const augmented = augmentObjective(ceClipObjective, [imageNegativeAugmentation, keywordAugmentation]);
    const options = augmented.optionsSchema.parse({ imageNegWeight: 0.7, keywordWeight: 0.3 });
    const state = augmented.initialState(options, k);
    const baseOptions = ceClipObjective.optionsSchema.parse({});
    const baseState = ceClipObjective.initialState(baseOptions, k);
    const ours = augmented.compute(inputs, state, options);
    const base = ceClipObjective.compute(inputs, baseState, baseOptions);
    const value = (t: tf.Tensor) => t.dataSync()[0];
    expect(value(ours.total)).toBeCloseTo(
      value(base.total) + 0.7 * value(ours.terms.imageNeg) + 0.3 * value(ours.terms.keyword),
      5,
    );
    for (const [name, term] of Object.entries(base.terms))
      expect(value(ours.terms[name]), name).toBe(value(term));
    expect(Object.keys(ours.terms)).toEqual([
      ...Object.keys(base.terms),
      "imageNeg",
      "imageNegAccuracy",
      "imageNegGap",
      "keyword",
      "keywordMap",
    ]);
    expect(Array.from(ours.nextState.thresholds.dataSync())).toEqual(
      Array.from(base.nextState.thresholds.dataSync()),
    );
    expect(await augmented.serializeState(ours.nextState)).toEqual(
      await ceClipObjective.serializeState(base.nextState),
    );
  });
});
