import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { type LoadedClip, loadClip } from "../clip/index.js";
import { embedImagePatches, encodeTextTokens, encodeVisionTokens } from "../clip/model.js";
import { preprocessOptionsFor } from "../clip/preprocess.js";
import { deriveSeed } from "../clip/random.js";
import { readFolder, TINY_CLIP_DIR } from "../clip/testing.js";
import { shapesExampleSource } from "../data/shapesWorld/source.js";
import { imageNegativeContrast } from "../losses/imageNegatives.js";
import type { ImageNegativeSettings } from "../losses/objective.js";
import { l2Normalize } from "../losses/shared.js";
import { buildBatch, evenlySpacedIndices, type TrainingBatch } from "./batches.js";
import {
  contentPatchScores,
  differentPrototypes,
  editPatchTokens,
  NegativeImageMaker,
  replacedPatchCount,
  topPatchMask,
  VISUAL_DICTIONARY_PARAM,
} from "./imageNegatives.js";
import { kMeans } from "./kmeans.js";
import { collectPatchTokens } from "./visualDictionary.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const rows = (t: tf.Tensor) => t.arraySync() as number[][];

// On wasm too: tfjs-backend-wasm 4.22 ignores oneHot's dtype (the mask came out as denormals).
describe.each(["cpu", "wasm"])("image-side negatives: building blocks on %s", (backend) => {
  it("starts", async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it("replaces round(r P) patches, at least 1 and at most P", () => {
    expect(replacedPatchCount(0.25, 16)).toBe(4);
    expect(replacedPatchCount(0.25, 49)).toBe(12);
    expect(replacedPatchCount(0.01, 4)).toBe(1);
    expect(replacedPatchCount(1, 16)).toBe(16);
  });

  it("topPatchMask marks exactly the `count` best patches of each row", () => {
    const scores = tf.tensor2d([
      [0.1, 0.9, 0.3, 0.8, 0.2],
      [5, 4, 3, 2, 1],
    ]);
    expect(rows(topPatchMask(scores, 2))).toEqual([
      [0, 1, 0, 1, 0],
      [1, 1, 0, 0, 0],
    ]);
  });

  it("contentPatchScores: the best cosine with a content token; random scores for a caption without one", () => {
    const patches = tf.tensor3d([
      [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
      [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
    ]);
    const captionTokens = tf.tensor3d([
      [
        [0, 5], // start token: masked out
        [3, 0], // content
        [-1, -1], // not content
      ],
      [
        [0, 5],
        [3, 0],
        [-1, -1],
      ],
    ]);
    const contentMask = tf.tensor2d([
      [0, 1, 0],
      [0, 0, 0],
    ]);
    const random = tf.tensor2d([
      [7, 7, 7],
      [0.3, 0.1, 0.2],
    ]);
    const scores = rows(contentPatchScores(patches, captionTokens, contentMask, random));
    expect(scores[0][0]).toBeCloseTo(1, 6);
    expect(scores[0][1]).toBeCloseTo(0, 6);
    expect(scores[0][2]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(scores[1]).toEqual([0.3, 0.1, 0.2].map(Math.fround));
  });

  it("differentPrototypes: prototype (nearest + offset) mod M, never the nearest", () => {
    const dictionary = tf.tensor2d([
      [0, 0],
      [10, 0],
      [0, 10],
    ]);
    const tokens = tf.tensor3d([
      [
        [1, 1],
        [9, 1],
        [1, 9],
        [0, 8],
      ],
    ]);
    // Nearest: 0, 1, 2, 2. Offsets 1, 1, 2, 1 -> 1, 2, 1, 0.
    const offsets = tf.tensor2d([[1, 1, 2, 1]], [1, 4], "int32");
    expect(rows(differentPrototypes(tokens, dictionary, offsets).reshape([4, 2]))).toEqual([
      [10, 0],
      [0, 10],
      [10, 0],
      [0, 0],
    ]);
  });

  it("editPatchTokens keeps the class token and the unmasked patches, and swaps in the masked ones", () => {
    const embedded = tf.tensor3d([
      [
        [9, 9],
        [1, 1],
        [2, 2],
        [3, 3],
      ],
    ]);
    const mask = tf.tensor2d([[0, 1, 0]]);
    const replacement = tf.tensor3d([
      [
        [-1, -1],
        [-2, -2],
        [-3, -3],
      ],
    ]);
    expect(rows(editPatchTokens(embedded, mask, replacement).reshape([4, 2]))).toEqual([
      [9, 9],
      [1, 1],
      [-2, -2],
      [3, 3],
    ]);
  });
});

describe("image-side negatives on the tiny fixture model", () => {
  let model: LoadedClip;
  let batch: TrainingBatch;
  const source = shapesExampleSource({ split: "train", seed: 3, size: 8, imageSize: 32 });
  const settings: ImageNegativeSettings = {
    share: 0.25,
    selection: "content",
    prototypes: 12,
    dictionaryImages: 8,
    kmeansIterations: 30,
  };
  let maker: NegativeImageMaker;

  beforeAll(async () => {
    await tf.setBackend("cpu");
    model = await loadClip(readFolder(TINY_CLIP_DIR), { trainable: true });
    batch = buildBatch(source, [0, 1, 2, 3], model.tokenizer, preprocessOptionsFor(32), 8, false);
    maker = new NegativeImageMaker(source, model.tokenizer, settings);
    await maker.buildDictionary(model.params, model.config, source, { ...settings, seed: 0 });
  });

  const context = (step: number, overrides: Partial<ImageNegativeSettings> = {}) => {
    const embedded = embedImagePatches(model.params, model.config, batch.patches);
    return {
      params: model.params,
      config: model.config,
      embedded,
      patchTokens: encodeVisionTokens(model.params, model.config, embedded).tokens,
      captionTokens: encodeTextTokens(model.params, model.config, batch.captions).tokens,
      captions: batch.captions,
      settings: { ...settings, ...overrides },
      seed: 0,
      step,
    };
  };

  it("the dictionary is k-means (seeded) of the patch tokens entering the first layer, deterministic", async () => {
    const dictionary = model.params.get(VISUAL_DICTIONARY_PARAM)!;
    expect(dictionary.shape).toEqual([12, 48]);
    expect(dictionary instanceof tf.Variable && !dictionary.trainable).toBe(true);
    const first = Array.from(await dictionary.data());
    await maker.buildDictionary(model.params, model.config, source, { ...settings, seed: 0 });
    expect(Array.from(await model.params.get(VISUAL_DICTIONARY_PARAM)!.data())).toEqual(first);
    // Tokens: pre-LayerNorm output without the class token, 16 patches per image.
    const tokens = await collectPatchTokens(model.params, model.config, source, evenlySpacedIndices(8, 8));
    expect(tokens.length).toBe(8 * 16 * 48);
    const direct = tf.tidy(() =>
      embedImagePatches(model.params, model.config, batch.patches).slice([0, 1, 0], [1, -1, -1]).dataSync(),
    );
    expect(Array.from(tokens.subarray(0, 16 * 48))).toEqual(Array.from(direct));
    const clustered = kMeans(tokens, 48, {
      k: 12,
      seed: deriveSeed(0, "visual-dictionary"),
      maxIterations: 30,
    });
    expect(Array.from(clustered.centroids)).toEqual(first);
  });

  it("replaces exactly r P patch tokens per image by a dictionary prototype other than the nearest; no leak", () => {
    for (const selection of ["content", "random"] as const) {
      const before = tf.memory().numTensors;
      const [original, edited, mask, dictionary] = tf.tidy(() => {
        const ctx = context(5, { selection });
        const plan = maker.plan(ctx);
        return [
          ctx.embedded.arraySync(),
          editPatchTokens(ctx.embedded, plan.mask, plan.replacement).arraySync(),
          rows(plan.mask),
          rows(model.params.get(VISUAL_DICTIONARY_PARAM)!),
        ];
      });
      expect(tf.memory().numTensors).toBe(before);
      const distance = (a: number[], b: number[]) => a.reduce((sum, x, j) => sum + (x - b[j]) ** 2, 0);
      for (let i = 0; i < 4; i++) {
        expect(mask[i].reduce((a, b) => a + b, 0)).toBe(4); // round(0.25 * 16)
        expect(edited[i][0]).toEqual(original[i][0]); // class token
        let changed = 0;
        for (let p = 0; p < 16; p++) {
          const [before, after] = [original[i][p + 1], edited[i][p + 1]];
          if (mask[i][p] === 0) {
            expect(after).toEqual(before);
            continue;
          }
          changed += 1;
          const byDistance = dictionary.map((c, m) => [distance(before, c), m]).sort((a, b) => a[0] - b[0]);
          const used = dictionary.findIndex((c) => c.every((x, j) => x === after[j]));
          expect(used).toBeGreaterThanOrEqual(0);
          expect(used).not.toBe(byDistance[0][1]);
        }
        expect(changed).toBe(4);
      }
    }
  });

  it("content selection picks the patches closest to the caption's content words; fixed by (seed, step)", () => {
    const [mask, expected, again, otherStep] = tf.tidy(() => {
      const ctx = context(2);
      const contentMask = tf.tensor2d(maker.contentMask(batch.captions), [4, batch.captions.length]);
      expect(contentMask.sum().dataSync()[0]).toBeGreaterThan(4); // every caption has content words
      const scores = contentPatchScores(
        ctx.patchTokens(),
        ctx.captionTokens(),
        contentMask,
        tf.zeros([4, 16]),
      );
      return [
        rows(maker.plan(ctx).mask),
        rows(topPatchMask(scores, 4)),
        rows(maker.plan(context(2)).mask),
        rows(maker.plan(context(3, { selection: "random" })).mask),
      ];
    });
    expect(mask).toEqual(expected);
    expect(again).toEqual(mask);
    expect(otherStep).not.toEqual(mask);
  });

  it("gradients through the negative images match central differences; the selection passes none", () => {
    const names = [
      "vision_model.embeddings.patch_embedding.weight",
      "vision_model.embeddings.position_embedding.weight",
      "vision_model.pre_layrnorm.weight",
      "vision_model.encoder.layers.0.self_attn.q_proj.bias",
      "vision_model.encoder.layers.1.mlp.fc2.weight",
      "visual_projection.weight",
    ];
    const variables = names.map((name) => model.params.get(name) as tf.Variable);
    const plan = tf.tidy(() => {
      const p = maker.plan(context(1));
      return [tf.keep(p.mask), tf.keep(p.replacement)] as const;
    });
    // L_nva with the negative images from a fixed plan (the step's constants).
    const texts = tf.tidy(() =>
      l2Normalize(encodeTextTokens(model.params, model.config, batch.captions).features),
    );
    const nva = (negatives: (embedded: tf.Tensor3D) => tf.Tensor2D) => {
      const embedded = embedImagePatches(model.params, model.config, batch.patches);
      const images = encodeVisionTokens(model.params, model.config, embedded).features;
      return imageNegativeContrast(
        texts,
        l2Normalize(images),
        l2Normalize(negatives(embedded)),
        tf.scalar(20),
      ).loss;
    };
    const fixedPlan = (embedded: tf.Tensor3D) =>
      encodeVisionTokens(model.params, model.config, editPatchTokens(embedded, plan[0], plan[1])).features;
    const trainerPath = (embedded: tf.Tensor3D) => {
      const ctx = context(1);
      return maker.negativeImageEmb({ ...ctx, embedded });
    };
    const gradients = (negatives: typeof fixedPlan) =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => nva(negatives), variables);
        return variables.map((v) => Array.from(grads[v.name].dataSync()));
      });
    const fixed = gradients(fixedPlan);
    const viaTrainer = gradients(trainerPath);
    for (const [i, name] of names.entries()) {
      viaTrainer[i].forEach((g, j) => {
        expect(Math.abs(g - fixed[i][j]), name).toBeLessThan(1e-6 + 1e-4 * Math.abs(fixed[i][j]));
      });
      const g = fixed[i];
      let at = 0;
      for (let j = 1; j < g.length; j++) if (Math.abs(g[j]) > Math.abs(g[at])) at = j;
      const values = variables[i].dataSync().slice();
      const eps = 1e-2;
      const lossAt = (delta: number) => {
        const shifted = values.slice();
        shifted[at] += delta;
        variables[i].assign(tf.tensor(shifted, variables[i].shape));
        return tf.tidy(() => nva(fixedPlan).dataSync()[0]);
      };
      const fd = (lossAt(eps) - lossAt(-eps)) / (2 * eps);
      variables[i].assign(tf.tensor(values, variables[i].shape));
      expect(Math.abs(g[at]), name).toBeGreaterThan(1e-3);
      expect(Math.abs(fd - g[at]), `${name}: fd ${fd} vs grad ${g[at]}`).toBeLessThan(
        2e-3 + 0.03 * Math.abs(g[at]),
      );
    }
    tf.dispose([...plan, texts]);
  });
});
