import { describe, expect, it } from "vitest";
import { createRng } from "../clip/random.js";
import { kMeans } from "./kmeans.js";

/** Centroid rows sorted by their first coordinate (cluster numbering depends on the seed). */
function sortedRows(result: { centroids: Float32Array; k: number; dim: number }): number[][] {
  return Array.from({ length: result.k }, (_, c) =>
    Array.from(result.centroids.subarray(c * result.dim, (c + 1) * result.dim)),
  ).sort((a, b) => a[0] - b[0]);
}

function randomPoints(seed: number, n: number, dim: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * dim }, () => rng.normal());
}

describe("kMeans", () => {
  it("finds the hand-computed clusters, inertia included, from every seed", () => {
    // 1-D: {0, 1} and {100, 101}; any initial pair converges to the means 0.5 and 100.5.
    for (const seed of [0, 1, 2, 3, 4, 5]) {
      const r = kMeans(Float32Array.from([0, 100, 1, 101]), 1, { k: 2, seed });
      expect(sortedRows(r)).toEqual([[0.5], [100.5]]);
      expect(r.inertia).toBeCloseTo(4 * 0.25, 10);
      expect(r.converged).toBe(true);
      expect(r.assignments[0]).toBe(r.assignments[2]);
      expect(r.assignments[1]).toBe(r.assignments[3]);
      expect(r.assignments[0]).not.toBe(r.assignments[1]);
    }
    // 2-D: A = (0,0), (2,0), (0,3) with mean (2/3, 1); B = (10,10), (12,10) with mean (11, 10).
    // Inertia: A 4/9+1 + 16/9+1 + 4/9+4 = 26/3, B 1 + 1 = 2.
    const points = Float32Array.from([0, 0, 2, 0, 0, 3, 10, 10, 12, 10]);
    for (const seed of [0, 7, 42]) {
      const r = kMeans(points, 2, { k: 2, seed });
      const [a, b] = sortedRows(r);
      expect(a[0]).toBeCloseTo(2 / 3, 6);
      expect(a[1]).toBeCloseTo(1, 6);
      expect(b).toEqual([11, 10]);
      expect(r.inertia).toBeCloseTo(26 / 3 + 2, 5);
    }
  });

  it("is deterministic in its seed and ends at a fixed point of Lloyd's iteration", () => {
    const [n, dim, k] = [400, 6, 12];
    const points = randomPoints(9, n, dim);
    const first = kMeans(points, dim, { k, seed: 7, maxIterations: 100 });
    const again = kMeans(points, dim, { k, seed: 7, maxIterations: 100 });
    expect(Array.from(again.centroids)).toEqual(Array.from(first.centroids));
    expect(Array.from(again.assignments)).toEqual(Array.from(first.assignments));
    expect(first.k).toBe(k);
    expect(first.converged).toBe(true);
    const other = kMeans(points, dim, { k, seed: 8, maxIterations: 100 });
    expect(Array.from(other.centroids)).not.toEqual(Array.from(first.centroids));

    const distance = (i: number, c: number) => {
      let sum = 0;
      for (let d = 0; d < dim; d++) sum += (points[i * dim + d] - first.centroids[c * dim + d]) ** 2;
      return sum;
    };
    let inertia = 0;
    for (let i = 0; i < n; i++) {
      const own = distance(i, first.assignments[i]);
      inertia += own;
      for (let c = 0; c < k; c++) expect(own).toBeLessThanOrEqual(distance(i, c) + 1e-5);
    }
    expect(first.inertia).toBeCloseTo(inertia, 3);
    for (let c = 0; c < k; c++) {
      const members = [...first.assignments.keys()].filter((i) => first.assignments[i] === c);
      expect(members.length).toBeGreaterThan(0);
      for (let d = 0; d < dim; d++) {
        const mean = members.reduce((sum, i) => sum + points[i * dim + d], 0) / members.length;
        expect(first.centroids[c * dim + d]).toBeCloseTo(mean, 5);
      }
    }
  });

  it("returns fewer prototypes when the points have fewer distinct values", () => {
    const points = Float32Array.from([1, 1, 1, 5, 5, 9, 9, 9, 9].flatMap((x) => [x, -x]));
    const r = kMeans(points, 2, { k: 8, seed: 3 });
    expect(r.k).toBe(3);
    expect(r.centroids.length).toBe(6);
    expect(sortedRows(r)).toEqual([
      [1, -1],
      [5, -5],
      [9, -9],
    ]);
    expect(r.inertia).toBe(0);
  });

  it("rejects bad input with a message naming it", () => {
    expect(() => kMeans(Float32Array.from([1, 2, 3]), 2, { k: 1, seed: 0 })).toThrow(
      /3 values are not rows of 2/,
    );
    expect(() => kMeans(new Float32Array(0), 2, { k: 1, seed: 0 })).toThrow(/no points/);
    expect(() => kMeans(Float32Array.from([1, Number.NaN]), 1, { k: 1, seed: 0 })).toThrow(
      /value 1 is not finite/,
    );
    expect(() => kMeans(Float32Array.from([1, 2]), 1, { k: 0, seed: 0 })).toThrow(/k must be/);
  });
});
