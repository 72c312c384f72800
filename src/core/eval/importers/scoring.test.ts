import { describe, expect, it } from "vitest";
import { scoreAro } from "./aro.js";
import { accuracyBySubset } from "./pairwise.js";
import type { BenchmarkCase } from "./types.js";
import { scoreWinoground, winogroundCorrect } from "./winoground.js";

const test = (subset: string, images = 1): BenchmarkCase => ({
  subset,
  images: Array.from({ length: images }, (_, i) => ({ name: `${i}.png` })),
  texts: ["true", "false"],
  at: { file: "f.json" },
});

describe("two-way accuracy (SugarCrepe, VALSE, VL-CheckList)", () => {
  it("counts true > false per subset; a tie is wrong", () => {
    const cases = [test("swap_att"), test("swap_att"), test("swap_att"), test("add_obj")];
    const sims = [[[0.5, 0.4]], [[0.3, 0.3]], [[0.2, 0.6]], [[0.9, 0.1]]];
    const { scores, perSubset } = accuracyBySubset(cases, sims);
    expect(perSubset).toEqual({ swap_att: { n: 3, accuracy: 1 / 3 }, add_obj: { n: 1, accuracy: 1 } });
    expect(scores.accuracy).toBe(0.5); // 2 of 4
    expect(scores.meanSubsetAccuracy).toBeCloseTo((1 / 3 + 1) / 2, 12);
  });
});

describe("ARO macro accuracy", () => {
  // Relation "on": 2/3 correct; "near" (symmetric in ARO's list): 0/1; "under": 1/1.
  const cases = ["on", "on", "on", "near", "under"].map((r) => test(r));
  const sims = [[[0.6, 0.5]], [[0.6, 0.5]], [[0.5, 0.5]], [[0.1, 0.2]], [[0.3, 0.2]]];

  it("averages per-relation accuracies, leaving out the excluded relations", () => {
    const { scores, perSubset } = scoreAro(cases, sims, { excluded: new Set(["near"]) });
    expect(scores.macroAccuracy).toBeCloseTo((2 / 3 + 1) / 2, 12);
    expect(scores.accuracy).toBe(3 / 5);
    expect(scores.macroGroups).toBe(2);
    expect(perSubset.near).toEqual({ n: 1, accuracy: 0, inMacro: false });
    expect(perSubset.on).toEqual({ n: 3, accuracy: 2 / 3, inMacro: true });
  });

  it("leaves out groups below the minimum count (VG-Attribution's 25)", () => {
    const { scores } = scoreAro(cases, sims, { minCount: 2 });
    expect(scores.macroAccuracy).toBeCloseTo(2 / 3, 12); // only "on" has 2 or more tests
    expect(scoreAro(cases, sims, { minCount: 25 }).scores.macroAccuracy).toBeNull();
  });
});

describe("Winoground text, image and group scores", () => {
  it("scores each example from its 2x2 matrix, sims[image][caption]", () => {
    // Both right: c0 fits i0, c1 fits i1 in both directions.
    expect(
      winogroundCorrect([
        [0.9, 0.2],
        [0.1, 0.8],
      ]),
    ).toEqual({ text: true, image: true, group: true });
    // Text right (each image prefers its caption), image wrong (both captions prefer image 0).
    expect(
      winogroundCorrect([
        [0.9, 0.8],
        [0.5, 0.6],
      ]),
    ).toEqual({ text: true, image: false, group: false });
    // Image right, text wrong: both images prefer caption 0, but each caption prefers its image.
    expect(
      winogroundCorrect([
        [0.9, 0.1],
        [0.5, 0.4],
      ]),
    ).toEqual({ text: false, image: true, group: false });
    // A tie is wrong.
    expect(
      winogroundCorrect([
        [0.5, 0.5],
        [0.1, 0.9],
      ]),
    ).toEqual({ text: false, image: true, group: false });
  });

  it("averages per tag and overall", () => {
    const cases = [test("Object", 2), test("Object", 2), test("Relation", 2)];
    const sims = [
      [
        [0.9, 0.2],
        [0.1, 0.8],
      ],
      [
        [0.9, 0.8],
        [0.5, 0.6],
      ],
      [
        [0.9, 0.1],
        [0.5, 0.4],
      ],
    ];
    const { scores, perSubset } = scoreWinoground(cases, sims);
    expect(scores).toEqual({ text: 2 / 3, image: 2 / 3, group: 1 / 3 });
    expect(perSubset).toEqual({
      Object: { n: 2, text: 1, image: 0.5, group: 0.5 },
      Relation: { n: 1, text: 0, image: 1, group: 0 },
    });
  });
});
