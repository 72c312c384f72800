import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disposeClip, type LoadedClip, loadClip, similarity } from "../core/clip/index.js";
import { readFolder, TINY_CLIP_DIR } from "../core/clip/testing.js";
import { NEGATIVE_TYPES, parseCaption, sampleAt } from "../core/data/shapesWorld/index.js";
import { adoptNewModel, snapshotModel } from "./exportApi.js";
import { compareBaseCurrent, probeApi, softmax, suggestNegativesFor } from "./probeApi.js";
import { session } from "./session.js";

let model: LoadedClip;

beforeAll(async () => {
  await tf.setBackend("cpu");
  model = await loadClip(readFolder(TINY_CLIP_DIR), { trainable: true });
  session.model = model;
  adoptNewModel();
});

afterAll(() => {
  if (session.baseModel) disposeClip(session.baseModel);
  disposeClip(model);
  session.model = undefined;
  session.baseModel = undefined;
});

const sample = sampleAt("heldout", 0, 3, 32);
const texts = [sample.caption, ...sample.negatives.filter(Boolean), "a photo of a cat"];

describe("probe: base vs current", () => {
  it("gives equal base and current numbers before training, equal to similarity()", async () => {
    const before = tf.memory().numTensors;
    const result = await compareBaseCurrent(session.baseModel!, model, sample.image, texts);
    expect(tf.memory().numTensors).toBe(before);
    const reference = await similarity(model, [sample.image], texts);
    expect(result.texts).toEqual(texts);
    expect(result.base.cosine).toEqual(result.current.cosine);
    expect(result.base.probabilities).toEqual(result.current.probabilities);
    result.current.cosine.forEach((c, j) => {
      expect(c).toBeCloseTo(reference.cosine[0][j], 6);
      expect(result.current.logits[j]).toBeCloseTo(reference.logitsPerImage[0][j], 5);
    });
    const expected = softmax(reference.logitsPerImage[0]);
    result.current.probabilities.forEach((p, j) => {
      expect(p).toBeCloseTo(expected[j], 6);
    });
    expect(result.current.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const scale = Math.exp((await model.params.get("logit_scale")!.data())[0]);
    expect(result.current.logitScale).toBeCloseTo(scale, 5);
  });

  it("the worker API renders the scene and compares it the same way", async () => {
    const viaApi = await probeApi.probeCompare(
      { kind: "shapes", split: "heldout", seed: 0, index: 3 },
      texts,
    );
    const direct = await compareBaseCurrent(session.baseModel!, model, sample.image, texts);
    expect(viaApi.current.cosine).toEqual(direct.current.cosine);
    const picked = await probeApi.probeImage({ split: "heldout", seed: 0, index: 3 });
    expect(picked.caption).toBe(sample.caption);
    expect(picked.previewUrl.startsWith("data:image/png;base64,")).toBe(true);
    expect(picked.negatives.map((n) => n.text)).toEqual(sample.negatives.filter(Boolean));
  });

  it("keeps the base frozen when the current weights change", async () => {
    const proj = model.params.get("text_projection.weight") as tf.Variable;
    const original = proj.clone();
    try {
      tf.tidy(() => proj.assign(tf.mul(proj, 0.5).add(tf.randomNormal(proj.shape, 0, 0.05, "float32", 1))));
      const result = await compareBaseCurrent(session.baseModel!, model, sample.image, texts);
      const changed = result.base.cosine.some((c, j) => Math.abs(c - result.current.cosine[j]) > 1e-4);
      expect(changed).toBe(true);
      const baseRef = await similarity(session.baseModel!, [sample.image], texts);
      result.base.cosine.forEach((c, j) => {
        expect(c).toBeCloseTo(baseRef.cosine[0][j], 6);
      });
    } finally {
      proj.assign(original);
      original.dispose();
    }
  });

  it("snapshots share data but not identity", () => {
    const before = tf.memory().numDataBuffers;
    const copy = snapshotModel(model);
    expect(copy.params).not.toBe(model.params);
    expect(copy.params.size).toBe(model.params.size);
    // Copy on write: no new buffers until a variable is assigned.
    expect(tf.memory().numDataBuffers).toBe(before);
    disposeClip(copy);
    expect(model.params.size).toBeGreaterThan(0);
  });

  it("refuses an empty text list", async () => {
    await expect(compareBaseCurrent(session.baseModel!, model, sample.image, [])).rejects.toThrow(/caption/);
  });
});

describe("suggestNegativesFor", () => {
  it("gives the shapes world's typed negatives for a grammar caption", () => {
    const s = sampleAt("heldout", 0, 5, 32);
    const suggested = suggestNegativesFor(s.caption, s.scene);
    expect(suggested).not.toBeNull();
    expect(suggested!.length).toBeGreaterThan(0);
    for (const n of suggested!) {
      expect(NEGATIVE_TYPES).toContain(n.type);
      expect(n.text).not.toBe(s.caption);
      expect(parseCaption(n.text)).not.toBeNull();
    }
  });

  it("works without a scene and for extra spaces", () => {
    const suggested = suggestNegativesFor("  a red square   left of a blue circle ");
    expect(suggested?.map((n) => n.type)).toContain("relationReplace");
  });

  it("returns null for free English", () => {
    expect(suggestNegativesFor("a dog chasing a frisbee on the beach")).toBeNull();
  });
});
