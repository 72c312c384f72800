import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { ExampleSource } from "./batches.js";
import { captionWords, contentWords } from "./contentWords.js";
import {
  KEYWORD_HEAD_BIAS,
  KEYWORD_HEAD_WEIGHT,
  KeywordSupervision,
  keywordTargets,
  keywordVocabulary,
} from "./keywordHead.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const captionSource = (captions: string[]): ExampleSource => ({
  size: captions.length,
  numNegativeTypes: 0,
  negativeTypeNames: [],
  get: (i) => ({
    image: { width: 1, height: 1, channels: 4, data: new Uint8ClampedArray(4) },
    caption: captions[i],
    negatives: [],
    negativeMask: [],
  }),
});

describe("content words and the keyword vocabulary", () => {
  it("keeps nouns and adjectives (participles before a noun too), drops frame and location words", () => {
    expect(contentWords("a green triangle to the right of a small blue dotted circle")).toEqual([
      "green",
      "triangle",
      "small",
      "blue",
      "dotted",
      "circle",
    ]);
    expect(contentWords("a picture of a large red star and a large white circle")).toEqual([
      "large",
      "red",
      "star",
      "large",
      "white",
      "circle",
    ]);
    expect(captionWords("A Blue-green cube, left.")).toEqual(["a", "blue-green", "cube", "left"]);
  });

  it("ranks words by the captions that contain them (ties alphabetical), capped at the vocabulary size", () => {
    const captions = [
      "a red cube next to a red sphere", // red counted once
      "a blue cube",
      "a red cone",
      "a picture of a green sphere",
    ];
    // red 2, cube 2, sphere 2, blue 1, cone 1, green 1.
    expect(keywordVocabulary(captions, 4)).toEqual({
      words: ["cube", "red", "sphere", "blue"],
      frequency: [0.5, 0.5, 0.5, 0.25],
    });
    expect(keywordVocabulary(captions, 100).words).toEqual([
      "cube",
      "red",
      "sphere",
      "blue",
      "cone",
      "green",
    ]);
  });

  it("targets mark the vocabulary words a caption contains", () => {
    expect(
      Array.from(
        keywordTargets(["a red cube", "Cube, cube and sphere!", "nothing here"], ["cube", "red", "sphere"]),
      ),
    ).toEqual([1, 1, 0, 1, 0, 1, 0, 0, 0]);
  });

  it("the head: lab-only names, seeded weights ~ N(0, 0.02^2), biases at the keywords' log-odds", () => {
    const supervision = new KeywordSupervision(
      captionSource(["a red cube", "a blue cube", "a red cube", "a cube"]),
      {
        vocabSize: 8,
        vocabCaptions: 4,
      },
    );
    expect(supervision.vocabulary.words).toEqual(["cube", "red", "blue"]);
    const head = supervision.createHead(5, 0);
    expect([...head.keys()]).toEqual([KEYWORD_HEAD_WEIGHT, KEYWORD_HEAD_BIAS]);
    expect(KEYWORD_HEAD_WEIGHT.startsWith("hardneg.")).toBe(true);
    expect(head.get(KEYWORD_HEAD_WEIGHT)!.shape).toEqual([3, 5]);
    const logit = (p: number) => Math.log(p / (1 - p));
    const bias = Array.from(head.get(KEYWORD_HEAD_BIAS)!.dataSync());
    // cube is in every caption: its frequency is clipped to 0.999 (a finite bias).
    const expectedBias = [logit(0.999), logit(0.5), logit(0.25)];
    for (const [v, b] of expectedBias.entries()) expect(bias[v]).toBeCloseTo(b, 5);
    const weights = Array.from(head.get(KEYWORD_HEAD_WEIGHT)!.dataSync());
    expect(Math.max(...weights.map(Math.abs))).toBeLessThan(0.1);
    expect(Array.from(supervision.createHead(5, 0).get(KEYWORD_HEAD_WEIGHT)!.dataSync())).toEqual(weights);
    expect(
      () => new KeywordSupervision(captionSource(["of the", "and"]), { vocabSize: 8, vocabCaptions: 2 }),
    ).toThrow(/no nouns or adjectives/);
  });
});
