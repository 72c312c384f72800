import { describe, expect, it } from "vitest";
import { couldBeTrueOf, isTrueOf, namedPairs } from "./semantics.js";
import type { CaptionSpec, NounPhrase, Scene, SceneObject } from "./types.js";

const obj = (o: Partial<SceneObject> & Pick<SceneObject, "shape" | "colour" | "x" | "y">): SceneObject => ({
  size: "large",
  texture: "plain",
  ...o,
});

// A large red square on the left, a small striped blue circle on the right.
const scene: Scene = {
  objects: [
    obj({ shape: "square", colour: "red", x: 0.25, y: 0.5 }),
    obj({ shape: "circle", colour: "blue", size: "small", texture: "striped", x: 0.75, y: 0.55 }),
  ],
};

const rel = (
  relation: "left" | "right" | "above" | "below",
  a: NounPhrase,
  b: NounPhrase,
  template = "plain",
) => ({ kind: "relation", template, wording: 0, relation, phrases: [a, b] }) as CaptionSpec;
const red: NounPhrase = { shape: "square", colour: "red" };
const blue: NounPhrase = { shape: "circle", colour: "blue" };

describe("isTrueOf", () => {
  it("checks relations in both argument orders", () => {
    expect(isTrueOf(rel("left", red, blue), scene)).toBe(true);
    expect(isTrueOf(rel("right", blue, red), scene)).toBe(true);
    expect(isTrueOf(rel("right", red, blue), scene)).toBe(false);
    expect(isTrueOf(rel("left", blue, red), scene)).toBe(false);
    expect(isTrueOf(rel("above", red, blue), scene)).toBe(false);
  });

  it("checks every stated attribute", () => {
    expect(
      isTrueOf(rel("left", { ...red, size: "large", texture: "plain" }, { ...blue, size: "small" }), scene),
    ).toBe(true);
    expect(isTrueOf(rel("left", { ...red, size: "small" }, blue), scene)).toBe(false);
    expect(isTrueOf(rel("left", red, { ...blue, texture: "dotted" }), scene)).toBe(false);
    expect(isTrueOf(rel("left", { ...red, colour: "blue" }, blue), scene)).toBe(false);
  });

  it("needs distinct objects for distinct phrases", () => {
    const list = (phrases: NounPhrase[]): CaptionSpec => ({ kind: "objects", template: "bare", phrases });
    expect(isTrueOf(list([blue, red]), scene)).toBe(true);
    expect(isTrueOf(list([red, red]), scene)).toBe(false);
    expect(isTrueOf(list([red, { shape: "star", colour: "red" }]), scene)).toBe(false);
  });

  it("reads 'the' as unique, 'a' as existential", () => {
    const twoRedSquares: Scene = {
      objects: [...scene.objects, obj({ shape: "square", colour: "red", size: "small", x: 0.25, y: 0.15 })],
    };
    expect(isTrueOf(rel("left", red, blue), twoRedSquares)).toBe(true);
    expect(isTrueOf(rel("left", red, blue, "definite"), twoRedSquares)).toBe(false);
    expect(isTrueOf(rel("left", { ...red, size: "large" }, blue, "definite"), twoRedSquares)).toBe(true);
  });

  it("is strict on diagonals while couldBeTrueOf is lenient", () => {
    const diagonal: Scene = {
      objects: [
        obj({ shape: "square", colour: "red", x: 0.2, y: 0.2 }),
        obj({ shape: "circle", colour: "blue", x: 0.7, y: 0.75 }),
      ],
    };
    expect(isTrueOf(rel("left", red, blue), diagonal)).toBe(false);
    expect(couldBeTrueOf(rel("left", red, blue), diagonal)).toBe(true);
    expect(couldBeTrueOf(rel("above", red, blue), diagonal)).toBe(true);
    expect(couldBeTrueOf(rel("below", red, blue), diagonal)).toBe(false);
  });
});

describe("namedPairs", () => {
  it("lists the colour-shape combinations a caption names", () => {
    expect(namedPairs(rel("left", { ...red, size: "small" }, blue))).toEqual([
      { colour: "red", shape: "square" },
      { colour: "blue", shape: "circle" },
    ]);
  });
});
