import { describe, expect, it } from "vitest";
import { createRng, deriveSeed } from "./random.js";

const draw = (seed: number, n: number) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe("createRng", () => {
  it("repeats for a seed and differs between seeds, large and fractional ones included", () => {
    expect(draw(42, 5)).toEqual(draw(42, 5));
    expect(draw(42, 5)).not.toEqual(draw(43, 5));
    expect(draw(2 ** 60, 5)).not.toEqual(draw(2 ** 60 + 2 ** 8, 5));
    expect(draw(0.5, 5)).not.toEqual(draw(0, 5));
    expect(draw(-0, 5)).toEqual(draw(0, 5));
    expect(() => createRng(Number.NaN)).toThrow("createRng: seed must be a finite number, got NaN");
  });

  it("draws uniforms in [0, 1) with mean 1/2 and variance 1/12", () => {
    const values = draw(1, 100_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.001);
  });

  it("draws standard normals", () => {
    const rng = createRng(3);
    const values = Array.from({ length: 100_000 }, () => rng.normal());
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    const withinOne = values.filter((v) => Math.abs(v) < 1).length / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
    expect(Math.abs(withinOne - 0.6827)).toBeLessThan(0.01);
  });

  it("draws every integer of [0, n) about equally often", () => {
    const rng = createRng(9);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[rng.int(7)] += 1;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
    expect(() => rng.int(0)).toThrow("Rng.int: n must be an integer in [1, 2^32], got 0");
    expect(() => rng.int(2.5)).toThrow("Rng.int: n must be an integer in [1, 2^32], got 2.5");
  });
});

describe("deriveSeed", () => {
  it("gives each label its own stream, repeatably", () => {
    expect(deriveSeed(7, "a.weight")).toBe(deriveSeed(7, "a.weight"));
    expect(deriveSeed(7, "a.weight")).not.toBe(deriveSeed(7, "b.weight"));
    expect(deriveSeed(7, "a.weight")).not.toBe(deriveSeed(8, "a.weight"));
    expect(Number.isInteger(deriveSeed(7, ""))).toBe(true);
  });
});
