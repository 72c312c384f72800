import type { Rng } from "../random.js";
import { ALL_PAIRS, type ColourShape, isHeldOutPair, TRAIN_PAIRS } from "./splits.js";
import type { Scene, SceneObject, Split } from "./types.js";
import {
  RELATIONS,
  type RelationName,
  SIZE_RADIUS,
  SIZES,
  type SizeName,
  type TextureName,
} from "./vocabulary.js";

export const LAYOUT = {
  /** Free border between any object box and the image edge, in image widths. */
  margin: 0.02,
  /** Minimum free space between two object boxes. */
  gap: 0.04,
  /** Generated pairs keep |cross-axis offset| <= crossRatio * main-axis distance. */
  crossRatio: 0.25,
  /** A stated relation needs |main| >= dominance * |cross| (generation uses 1 / crossRatio = 4). */
  dominance: 2,
} as const;

type Point = { x: number; y: number };

function offsets(rel: RelationName, subject: Point, object: Point): { main: number; cross: number } {
  const dx = object.x - subject.x;
  const dy = object.y - subject.y;
  switch (rel) {
    case "left":
      return { main: dx, cross: dy };
    case "right":
      return { main: -dx, cross: dy };
    case "above":
      return { main: dy, cross: dx };
    case "below":
      return { main: -dy, cross: dx };
  }
}

/** Strict: the relation clearly holds in the picture (a true caption may state it). */
export function relationHolds(rel: RelationName, subject: Point, object: Point): boolean {
  const { main, cross } = offsets(rel, subject, object);
  return main > 0 && main >= LAYOUT.dominance * Math.abs(cross);
}

/** Lenient: the relation is not clearly false (a negative must fail even this). */
export function relationPossible(rel: RelationName, subject: Point, object: Point): boolean {
  return offsets(rel, subject, object).main > 0;
}

export function radiusOf(object: { size: SizeName }): number {
  return SIZE_RADIUS[object.size];
}

function separated(a: Point, ra: number, b: Point, rb: number): boolean {
  const needed = ra + rb + LAYOUT.gap;
  return Math.abs(a.x - b.x) >= needed || Math.abs(a.y - b.y) >= needed;
}

/**
 * Two objects along one axis, the first at the lower coordinate: main-axis distance and
 * position drawn within the image, cross-axis offset within crossRatio of that distance.
 */
function placeOrdered(rng: Rng, rLow: number, rHigh: number) {
  const m = LAYOUT.margin;
  const distance = rng.uniform(rLow + rHigh + LAYOUT.gap, 1 - 2 * m - rLow - rHigh);
  const mainLow = rng.uniform(m + rLow, 1 - m - rHigh - distance);
  const crossLow = rng.uniform(m + rLow, 1 - m - rLow);
  const reach = LAYOUT.crossRatio * distance;
  const crossHigh = rng.uniform(
    Math.max(m + rHigh, crossLow - reach),
    Math.min(1 - m - rHigh, crossLow + reach),
  );
  return { mainLow, mainHigh: mainLow + distance, crossLow, crossHigh };
}

/** Centres for (subject, object) such that relationHolds(rel, subject, object). */
export function placePair(rng: Rng, rel: RelationName, rSubject: number, rObject: number): [Point, Point] {
  const subjectFirst = rel === "left" || rel === "above";
  const p = subjectFirst ? placeOrdered(rng, rSubject, rObject) : placeOrdered(rng, rObject, rSubject);
  const low = { main: p.mainLow, cross: p.crossLow };
  const high = { main: p.mainHigh, cross: p.crossHigh };
  const horizontal = rel === "left" || rel === "right";
  const toPoint = (q: { main: number; cross: number }): Point =>
    horizontal ? { x: q.main, y: q.cross } : { x: q.cross, y: q.main };
  return subjectFirst ? [toPoint(low), toPoint(high)] : [toPoint(high), toPoint(low)];
}

/** A free spot for one more object, or null after a bounded number of tries. */
export function placeFree(
  rng: Rng,
  radius: number,
  existing: readonly SceneObject[],
  tries = 40,
): Point | null {
  const m = LAYOUT.margin;
  for (let t = 0; t < tries; t++) {
    const point = { x: rng.uniform(m + radius, 1 - m - radius), y: rng.uniform(m + radius, 1 - m - radius) };
    if (existing.every((o) => separated(point, radius, o, radiusOf(o)))) return point;
  }
  return null;
}

export function objectsOverlap(a: SceneObject, b: SceneObject): boolean {
  return !separated(a, radiusOf(a), b, radiusOf(b));
}

/** The pair a relation caption may describe: objects[subject] <relation> objects[object]. */
export type RelatedPair = { subject: number; object: number; relation: RelationName };
export type SceneLayout = { scene: Scene; pair: RelatedPair | null };

export type SceneOptions = {
  /** Relative weights of 1-, 2- and 3-object scenes. */
  objectCountWeights: readonly [number, number, number];
  /** Probability that an object is striped or dotted rather than plain. */
  texturedProbability: number;
};

/**
 * Distinct colour-shape combinations: train draws only training pairs; heldout puts a
 * held-out pair on object 0 (always in the described pair) and draws the rest freely.
 */
function chooseCombos(rng: Rng, split: Split, count: number): ColourShape[] {
  const combos: ColourShape[] = [];
  if (split === "heldout") combos.push(rng.pick(ALL_PAIRS.filter((p) => isHeldOutPair(p.colour, p.shape))));
  const pool = split === "train" ? TRAIN_PAIRS : ALL_PAIRS;
  while (combos.length < count) {
    const candidate = rng.pick(pool);
    if (!combos.some((c) => c.colour === candidate.colour && c.shape === candidate.shape))
      combos.push(candidate);
  }
  return combos;
}

function chooseTexture(rng: Rng, texturedProbability: number): TextureName {
  if (!rng.chance(texturedProbability)) return "plain";
  return rng.chance(0.5) ? "striped" : "dotted";
}

export function generateScene(rng: Rng, split: Split, options: SceneOptions): SceneLayout {
  const count = 1 + rng.weighted(options.objectCountWeights);
  const objects: SceneObject[] = chooseCombos(rng, split, count).map((combo) => ({
    ...combo,
    size: rng.pick(SIZES),
    texture: chooseTexture(rng, options.texturedProbability),
    x: 0,
    y: 0,
  }));
  if (count === 1) {
    const point = placeFree(rng, radiusOf(objects[0]), [])!;
    return { scene: { objects: [{ ...objects[0], ...point }] }, pair: null };
  }
  const relation = rng.pick(RELATIONS);
  const [a, b] = placePair(rng, relation, radiusOf(objects[0]), radiusOf(objects[1]));
  const placed = [
    { ...objects[0], ...a },
    { ...objects[1], ...b },
  ];
  if (count === 3) {
    // Fall back to a small third object, then to none: the picture must stay uncluttered.
    let third = objects[2];
    let point = placeFree(rng, radiusOf(third), placed);
    if (!point && third.size === "large") {
      third = { ...third, size: "small" };
      point = placeFree(rng, radiusOf(third), placed);
    }
    if (point) placed.push({ ...third, ...point });
  }
  return { scene: { objects: placed }, pair: { subject: 0, object: 1, relation } };
}
