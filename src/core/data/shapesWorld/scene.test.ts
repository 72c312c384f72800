import { describe, expect, it } from "vitest";
import { Rng } from "../random.js";
import {
  generateScene,
  LAYOUT,
  objectsOverlap,
  placePair,
  radiusOf,
  relationHolds,
  relationPossible,
} from "./scene.js";
import { isHeldOutPair } from "./splits.js";
import { OPPOSITE_RELATION, RELATIONS, SIZE_RADIUS, SIZES } from "./vocabulary.js";

const options = { objectCountWeights: [0.15, 0.7, 0.15] as const, texturedProbability: 0.3 };

describe("relations", () => {
  it("read left/right/above/below with y growing downwards", () => {
    const a = { x: 0.2, y: 0.5 };
    const b = { x: 0.7, y: 0.55 };
    expect(RELATIONS.filter((r) => relationHolds(r, a, b))).toEqual(["left"]);
    expect(RELATIONS.filter((r) => relationHolds(r, b, a))).toEqual(["right"]);
    const top = { x: 0.5, y: 0.1 };
    const bottom = { x: 0.45, y: 0.8 };
    expect(RELATIONS.filter((r) => relationHolds(r, top, bottom))).toEqual(["above"]);
    expect(RELATIONS.filter((r) => relationHolds(r, bottom, top))).toEqual(["below"]);
  });

  it("state nothing strictly on a diagonal, while the lenient reading allows both directions", () => {
    const a = { x: 0.2, y: 0.2 };
    const b = { x: 0.6, y: 0.6 };
    expect(RELATIONS.filter((r) => relationHolds(r, a, b))).toEqual([]);
    expect(RELATIONS.filter((r) => relationPossible(r, a, b))).toEqual(["left", "above"]);
  });
});

describe("placePair", () => {
  it("places pairs inside the image, apart, with the relation clearly holding", () => {
    const rng = new Rng(5);
    const m = LAYOUT.margin;
    for (let i = 0; i < 2000; i++) {
      const relation = rng.pick(RELATIONS);
      const rA = SIZE_RADIUS[rng.pick(SIZES)];
      const rB = SIZE_RADIUS[rng.pick(SIZES)];
      const [a, b] = placePair(rng, relation, rA, rB);
      expect(relationHolds(relation, a, b)).toBe(true);
      expect(relationPossible(OPPOSITE_RELATION[relation], a, b)).toBe(false);
      for (const [p, r] of [
        [a, rA],
        [b, rB],
      ] as const) {
        expect(Math.min(p.x, p.y)).toBeGreaterThanOrEqual(m + r - 1e-12);
        expect(Math.max(p.x, p.y)).toBeLessThanOrEqual(1 - m - r + 1e-12);
      }
      const horizontal = relation === "left" || relation === "right";
      const main = Math.abs(horizontal ? b.x - a.x : b.y - a.y);
      const cross = Math.abs(horizontal ? b.y - a.y : b.x - a.x);
      expect(main).toBeGreaterThanOrEqual(rA + rB + LAYOUT.gap - 1e-12);
      expect(cross).toBeLessThanOrEqual(LAYOUT.crossRatio * main + 1e-12);
    }
  });
});

describe("generateScene", () => {
  it("makes 1-3 non-overlapping, distinct objects, mostly two", () => {
    const rng = new Rng(11);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 3000; i++) {
      const { scene, pair } = generateScene(rng, "train", options);
      const objects = scene.objects;
      counts[objects.length]++;
      const keys = objects.map((o) => `${o.colour} ${o.shape}`);
      expect(new Set(keys).size).toBe(objects.length);
      for (let a = 0; a < objects.length; a++) {
        for (let b = a + 1; b < objects.length; b++)
          expect(objectsOverlap(objects[a], objects[b])).toBe(false);
        expect(objects[a].x - radiusOf(objects[a])).toBeGreaterThanOrEqual(0);
        expect(objects[a].y + radiusOf(objects[a])).toBeLessThanOrEqual(1);
      }
      if (pair) expect(relationHolds(pair.relation, objects[pair.subject], objects[pair.object])).toBe(true);
      else expect(objects.length).toBe(1);
    }
    expect(counts[0]).toBe(0);
    expect(counts[2] / 3000).toBeGreaterThan(0.65);
    expect(counts[2] / 3000).toBeLessThan(0.75);
    expect(counts[1] / 3000).toBeGreaterThan(0.12);
    expect(counts[3] / 3000).toBeGreaterThan(0.12);
  });

  it("keeps held-out pairs out of train scenes and puts one in every held-out scene", () => {
    const rng = new Rng(12);
    for (let i = 0; i < 2000; i++) {
      const train = generateScene(rng, "train", options).scene.objects;
      expect(train.some((o) => isHeldOutPair(o.colour, o.shape))).toBe(false);
      const heldout = generateScene(rng, "heldout", options).scene.objects;
      expect(isHeldOutPair(heldout[0].colour, heldout[0].shape)).toBe(true);
    }
  });
});
