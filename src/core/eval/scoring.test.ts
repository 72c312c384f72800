import { describe, expect, it } from "vitest";
import { groupSize, scoreGroupedRetrieval, scoreRetrieval, typeAccuracy } from "./scoring.js";

describe("scoreRetrieval", () => {
  it("ranks the true pair with ties counted against it, in both directions", () => {
    // Image 0 ties caption 2 (rank 2); image 2 loses to caption 1. Caption 1 ties image 2;
    // caption 2 loses to image 0.
    const sims = Float32Array.from([0.9, 0.5, 0.9, 0.1, 0.8, 0.2, 0.3, 0.8, 0.7]);
    const scores = scoreRetrieval(sims, 3);
    expect(scores.r1_i2t).toBeCloseTo(1 / 3, 12);
    expect(scores.r1_t2i).toBeCloseTo(1 / 3, 12);
    expect(scores.r5_i2t).toBe(1);
    expect(scores.r5_t2i).toBe(1);
  });

  it("counts rank 5 as a hit and rank 6 (five ties) as a miss for R@5", () => {
    const n = 7;
    const sims = new Float32Array(n * n);
    for (let i = 0; i < n; i++) sims[i * n + i] = 1;
    sims[0] = 0.5; // image 0: captions 1-4 beat it -> rank 5
    for (const c of [1, 2, 3, 4]) sims[c] = 0.6;
    sims[n + 1] = 0.5; // image 1: captions 0, 2-5 tie it -> rank 6
    for (const c of [0, 2, 3, 4, 5]) sims[n + c] = 0.5;
    const scores = scoreRetrieval(sims, n);
    expect(scores.r1_i2t).toBeCloseTo(5 / 7, 12);
    expect(scores.r5_i2t).toBeCloseTo(6 / 7, 12);
    // Caption 0 ties image 1 and caption 1 loses to image 0: rank 2 each, within 5.
    expect(scores.r1_t2i).toBeCloseTo(5 / 7, 12);
    expect(scores.r5_t2i).toBe(1);
  });

  it("rejects a matrix of the wrong size", () => {
    expect(() => scoreRetrieval(new Float32Array(5), 2)).toThrow(/expected 4/);
  });
});

describe("scoreGroupedRetrieval", () => {
  // 2-d unit embeddings; groups of 2 are {0, 1} and {2, 3}; example 4 forms a partial group.
  const images = [1, 0, 0, 1, 1, 0, 1, 0, 0, 1];
  const texts = [1, 0, 0, 1, 1, 0, 0, 1, 1, 0];

  it("averages full groups and ignores the trailing partial group", () => {
    // Group 0 is perfect. Group 1: sims [[1, 0], [1, 0]] -> i2t ranks 1, 2; t2i ranks 2, 2 (ties).
    // Counting example 4 (a group of one, always rank 1) would give r1_i2t 0.8 instead.
    const scores = scoreGroupedRetrieval(images, texts, 2, 2);
    expect(scores).toEqual({ r1_i2t: 0.75, r5_i2t: 1, r1_t2i: 0.5, r5_t2i: 1, candidates: 2 });
  });

  it("uses one group of all n when n is below the candidate count", () => {
    // Over all 5, every true pair is tied by another candidate: i2t ranks 3, 2, 3, 5, 5 and
    // t2i ranks 3, 2, 3, 5, 5, so R@1 = 0 and R@5 = 1.
    const scores = scoreGroupedRetrieval(images, texts, 2, 100);
    expect(scores).toEqual({ r1_i2t: 0, r5_i2t: 1, r1_t2i: 0, r5_t2i: 1, candidates: 5 });
    expect(groupSize(5, 100)).toBe(5);
    expect(groupSize(500, 100)).toBe(100);
  });
});

describe("typeAccuracy", () => {
  it("scores strict wins over valid negatives and reports null for a type with none", () => {
    const positive = [0.5, 0.4, 0.3];
    const negatives = [
      [0.4, null, 0.5],
      [0.4, null, 0.1],
      [0.2, null, 0.3],
    ];
    const { perType, perTypeCount } = typeAccuracy(positive, negatives, ["a", "b", "c"]);
    // a: win, tie (wrong), win; c: tie (wrong), win, tie (wrong).
    expect(perType.a).toBeCloseTo(2 / 3, 12);
    expect(perType.b).toBeNull();
    expect(perType.c).toBeCloseTo(1 / 3, 12);
    expect(perTypeCount).toEqual({ a: 3, b: 0, c: 3 });
  });
});
