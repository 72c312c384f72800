import { describe, expect, it } from "vitest";
import { mixSeed, Rng } from "./random.js";

describe("Rng", () => {
  it("reproduces the mulberry32 sequence (pins the stream: changing it changes every dataset)", () => {
    const rng = new Rng(12345);
    expect([rng.next(), rng.next(), rng.next()]).toEqual([
      0.9797282677609473, 0.3067522644996643, 0.484205421525985,
    ]);
  });

  it("is deterministic per seed and differs between seeds", () => {
    const draw = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 20 }, () => rng.next());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    for (const x of draw(9)) expect(x >= 0 && x < 1).toBe(true);
  });

  it("draws weighted indices in proportion", () => {
    const rng = new Rng(1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 20000; i++) counts[rng.weighted([0.15, 0.7, 0.15])]++;
    expect(counts[1] / 20000).toBeCloseTo(0.7, 1);
    expect(counts[0] / 20000).toBeCloseTo(0.15, 1);
    expect(rng.weighted([0, 0, 1])).toBe(2);
  });

  it("shuffles into a permutation without touching the input", () => {
    const input = [1, 2, 3, 4, 5, 6];
    const out = new Rng(3).shuffle(input);
    expect(input).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...out].sort()).toEqual(input);
  });
});

describe("mixSeed", () => {
  it("pins known values and separates nearby inputs", () => {
    expect(mixSeed(1, 2, 3)).toBe(1528416015);
    expect(mixSeed(2 ** 40)).toBe(706837261);
    expect(mixSeed(-1)).toBe(3977123946);
    expect(mixSeed(1, 2, 3)).not.toBe(mixSeed(1, 3, 2));
    expect(mixSeed(0, 1)).not.toBe(mixSeed(0, 1 + 2 ** 32));
  });

  it("rejects non-integers", () => {
    expect(() => mixSeed(0.5)).toThrow();
  });
});
