import { describe, expect, it } from "vitest";
import { recordAt } from "./dataset.js";
import { SCENE_MIXES, sceneMixOptions, shapesExampleSource } from "./source.js";

describe("shapesExampleSource", () => {
  it("draws scenes with the options it is given, and the world's defaults without", () => {
    const twoObjects = sceneMixOptions("two-objects");
    const custom = shapesExampleSource({
      split: "train",
      seed: 3,
      size: 60,
      imageSize: 16,
      options: twoObjects,
    });
    const plain = shapesExampleSource({ split: "train", seed: 3, size: 60, imageSize: 16 });
    const counts = new Set<number>();
    for (let i = 0; i < 60; i++) {
      expect(custom.get(i).caption).toBe(recordAt("train", 3, i, twoObjects).caption);
      expect(recordAt("train", 3, i, twoObjects).scene.objects).toHaveLength(2);
      expect(plain.get(i).caption).toBe(recordAt("train", 3, i).caption);
      counts.add(recordAt("train", 3, i).scene.objects.length);
    }
    // The default mix has one- and three-object scenes too.
    expect([...counts].sort()).toEqual([1, 2, 3]);
  });

  it("names its scene mixes, and a wrong name lists the known ones", () => {
    expect(sceneMixOptions("world")).toEqual({});
    expect(Object.keys(SCENE_MIXES)).toEqual(["world", "two-objects"]);
    expect(() => sceneMixOptions("three-objects")).toThrow(
      'scene mix must be one of world, two-objects, not "three-objects"',
    );
    expect(() => sceneMixOptions("constructor")).toThrow(/scene mix must be one of/);
  });
});
