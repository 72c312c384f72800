import { describe, expect, it } from "vitest";
import { Rng } from "../random.js";
import { renderCaption } from "./grammar.js";
import { makeNegatives, NEGATIVE_TYPES } from "./negatives.js";
import { isHeldOutPair } from "./splits.js";
import type { CaptionSpec, NounPhrase, RelationSpec, Scene, SceneObject } from "./types.js";

const obj = (o: Partial<SceneObject> & Pick<SceneObject, "shape" | "colour" | "x" | "y">): SceneObject => ({
  size: "large",
  texture: "plain",
  ...o,
});
const none = () => false;
const rel = (a: NounPhrase, b: NounPhrase): RelationSpec => ({
  kind: "relation",
  template: "plain",
  wording: 1,
  relation: "left",
  phrases: [a, b],
});

describe("makeNegatives", () => {
  it("has the fixed type order of CE-CLIP's thresholds", () => {
    expect(NEGATIVE_TYPES).toEqual(["attributeSwap", "objectSwap", "attributeReplace", "relationReplace"]);
  });

  it("makes all four types for a two-object relation caption", () => {
    const scene: Scene = {
      objects: [
        obj({ shape: "star", colour: "green", x: 0.25, y: 0.5 }),
        obj({ shape: "circle", colour: "yellow", size: "small", x: 0.75, y: 0.5 }),
      ],
    };
    const spec = rel(
      { shape: "star", colour: "green" },
      { shape: "circle", colour: "yellow", size: "small" },
    );
    const negatives = makeNegatives(spec, scene, new Rng(1), none);
    expect(renderCaption(spec)).toBe("a green star left of a small yellow circle");
    expect(negatives.mask).toEqual([1, 1, 1, 1]);
    expect(negatives.texts[0]).toBe("a yellow star left of a small green circle");
    expect(negatives.texts[1]).toBe("a small yellow circle left of a green star");
    expect(negatives.texts[2]).toMatch(
      /^a (\w+) star left of a small yellow circle$|^a green star left of a small (\w+) circle$/,
    );
    expect(negatives.texts[3]).toBe("a green star right of a small yellow circle");
  });

  it("masks swaps when they would name a forbidden pair, and replacements avoid them", () => {
    // Swapping the colours of a green star and a yellow cross names "yellow star": held out.
    const scene: Scene = {
      objects: [
        obj({ shape: "star", colour: "green", x: 0.25, y: 0.5 }),
        obj({ shape: "cross", colour: "yellow", x: 0.75, y: 0.5 }),
      ],
    };
    const spec = rel({ shape: "star", colour: "green" }, { shape: "cross", colour: "yellow" });
    expect(makeNegatives(spec, scene, new Rng(1), none).mask).toEqual([1, 1, 1, 1]);
    for (let seed = 0; seed < 50; seed++) {
      const negatives = makeNegatives(spec, scene, new Rng(seed), isHeldOutPair);
      expect(negatives.mask).toEqual([0, 1, 1, 1]);
      expect(negatives.texts[0]).toBe("");
      expect(negatives.specs[0]).toBeNull();
      const replaced = negatives.specs[2]!.phrases;
      expect(replaced.some((p) => isHeldOutPair(p.colour, p.shape))).toBe(false);
    }
  });

  it("swaps another attribute when colours are equal, and masks when nothing differs", () => {
    const scene: Scene = {
      objects: [
        obj({ shape: "square", colour: "white", size: "small", x: 0.5, y: 0.2 }),
        obj({ shape: "circle", colour: "white", x: 0.5, y: 0.75 }),
      ],
    };
    const sized: CaptionSpec = {
      ...rel(
        { shape: "square", colour: "white", size: "small" },
        { shape: "circle", colour: "white", size: "large" },
      ),
      relation: "above",
      wording: 0,
    };
    const withSizes = makeNegatives(sized, scene, new Rng(2), none);
    expect(withSizes.texts[0]).toBe("a large white square above a small white circle");
    const bare: CaptionSpec = {
      ...sized,
      phrases: [
        { shape: "square", colour: "white" },
        { shape: "circle", colour: "white" },
      ],
    };
    expect(makeNegatives(bare, scene, new Rng(2), none).mask[0]).toBe(0);
  });

  it("masks a swap that is true of the picture", () => {
    // red square | blue circle | red square: "a blue circle left of a red square" is true.
    const scene: Scene = {
      objects: [
        obj({ shape: "square", colour: "red", size: "small", x: 0.15, y: 0.5 }),
        obj({ shape: "circle", colour: "blue", size: "small", x: 0.5, y: 0.5 }),
        obj({ shape: "square", colour: "red", size: "small", x: 0.85, y: 0.5 }),
      ],
    };
    const spec = rel({ shape: "square", colour: "red" }, { shape: "circle", colour: "blue" });
    const negatives = makeNegatives(spec, scene, new Rng(3), none);
    expect(negatives.mask[1]).toBe(0);
    expect(negatives.mask[3]).toBe(0); // "a red square right of a blue circle" is true as well
    expect(negatives.mask[0]).toBe(1);
  });

  it("masks object swap and relation for lists, and everything but replacement for one object", () => {
    const scene: Scene = {
      objects: [
        obj({ shape: "cross", colour: "purple", x: 0.3, y: 0.3 }),
        obj({ shape: "diamond", colour: "cyan", x: 0.7, y: 0.7 }),
      ],
    };
    const list: CaptionSpec = {
      kind: "objects",
      template: "pictureOf",
      phrases: [
        { shape: "cross", colour: "purple" },
        { shape: "diamond", colour: "cyan" },
      ],
    };
    const listNegatives = makeNegatives(list, scene, new Rng(4), none);
    expect(listNegatives.mask).toEqual([1, 0, 1, 0]);
    expect(listNegatives.texts[0]).toBe("a picture of a cyan cross and a purple diamond");
    expect(listNegatives.texts[1]).toBe("");
    const single: CaptionSpec = {
      kind: "objects",
      template: "bare",
      phrases: [{ shape: "cross", colour: "purple" }],
    };
    const singleNegatives = makeNegatives(single, { objects: [scene.objects[0]] }, new Rng(4), none);
    expect(singleNegatives.mask).toEqual([0, 0, 1, 0]);
    expect(singleNegatives.texts[2]).toMatch(/^a (red|green|blue|yellow|pink|cyan|white) cross$/);
  });
});
