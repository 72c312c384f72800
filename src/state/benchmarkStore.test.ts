import { describe, expect, it } from "vitest";
import { importedScoreRows, importedSubsetRows, isRateScore } from "./benchmarkStore.js";

const base = {
  scores: { macroAccuracy: 0.5, accuracy: 0.6, macroGroups: 2 },
  perSubset: {
    "on top of": { n: 30, accuracy: 0.4, inMacro: true },
    behind: { n: 10, accuracy: 0.9, inMacro: false },
  },
};
const current = {
  scores: { macroAccuracy: 0.75, accuracy: null, macroGroups: 2 },
  perSubset: {
    behind: { n: 10, accuracy: 1, inMacro: false },
    "on top of": { n: 30, accuracy: 0.5, inMacro: true },
    new: { n: 3, accuracy: 2 / 3, inMacro: false },
  },
};

describe("imported benchmark rows", () => {
  it("lists the benchmark's own scores base vs current, counts not as rates", () => {
    expect(importedScoreRows(base, current)).toEqual([
      { metric: "macroAccuracy", base: 0.5, current: 0.75 },
      { metric: "accuracy", base: 0.6, current: null },
      { metric: "macroGroups", base: 2, current: 2 },
    ]);
    expect(isRateScore("accuracy")).toBe(true);
    expect(isRateScore("macroGroups")).toBe(false);
  });

  it("one row per subset and numeric score, sorted by subset; booleans left out, missing base null", () => {
    expect(importedSubsetRows(base, current)).toEqual([
      { subset: "behind", n: 10, metric: "accuracy", base: 0.9, current: 1 },
      { subset: "new", n: 3, metric: "accuracy", base: null, current: 2 / 3 },
      { subset: "on top of", n: 30, metric: "accuracy", base: 0.4, current: 0.5 },
    ]);
    const wino = { scores: {}, perSubset: { all: { n: 4, text: 0.25, image: 0.5, group: 0 } } };
    expect(importedSubsetRows(wino, wino).map((r) => r.metric)).toEqual(["text", "image", "group"]);
  });
});
