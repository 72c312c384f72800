import { describe, expect, it } from "vitest";
import { recordAt } from "./shapesWorld/dataset.js";
import { loadTrainData } from "./sources.js";

describe("training data sources", () => {
  it("shapes-train-two-objects draws the two-object mix of the train split, shapes-train the world's", async () => {
    const context = { size: 40, seed: 5, imageSize: 16 };
    const pairs = await loadTrainData("shapes-train-two-objects", context);
    const world = await loadTrainData("shapes-train", context);
    const worldCounts = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const two = recordAt("train", 5, i, { objectCountWeights: [0, 1, 0] });
      expect(two.scene.objects).toHaveLength(2);
      expect(pairs.get(i).caption).toBe(two.caption);
      expect(world.get(i).caption).toBe(recordAt("train", 5, i).caption);
      worldCounts.add(recordAt("train", 5, i).scene.objects.length);
    }
    expect(worldCounts.size).toBeGreaterThan(1);
    expect(pairs.size).toBe(40);
  });
});
