import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { readFolder, TINY_CLIP_DIR } from "../clip/testing.js";
import { benchPaths, benchTrainingStep, median } from "./benchStep.js";

const base64Folder = (dir: string) =>
  Object.fromEntries(
    [...readFolder(dir)].map(([name, bytes]) => [name, Buffer.from(bytes).toString("base64")]),
  );

describe("benchTrainingStep (cpu, tiny fixture model)", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  it("median of odd and even counts", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("times real CE-CLIP steps, counts their kernels and leaks nothing between steps", async () => {
    const result = await benchTrainingStep({
      model: { kind: "files", files: base64Folder(TINY_CLIP_DIR) },
      batchSize: 4,
      warmupSteps: 1,
      timedSteps: 2,
      profile: true,
    });
    expect(result.backend).toBe("cpu");
    expect(result.parameters).toBe(162_369);
    expect(result.textsPerStep).toBe(20); // 4 captions + 4 x 4 typed negatives
    // Shapes-world captions ("a ... left of a ...") need more than a few tokens; the fixture's context is 16.
    expect(result.textLength).toBeGreaterThan(8);
    expect(result.textLength).toBeLessThanOrEqual(16);
    expect(result.msPerStep).toHaveLength(2);
    expect(result.medianMs).toBe((result.msPerStep[0] + result.msPerStep[1]) / 2);
    expect(result.kernels).toBeGreaterThan(1000);
    expect(result.tensorsAfterTimed).toBe(result.tensorsAfterWarmup);
  });

  it("benchPaths times the fast and the straightforward path of the same step, in alternation", async () => {
    const [fast, plain] = await benchPaths({
      model: { kind: "files", files: base64Folder(TINY_CLIP_DIR) },
      batchSize: 2,
      warmupSteps: 1,
      timedSteps: 2,
      straightforwardSteps: 1,
      profile: true,
    });
    expect([fast.path, plain.path]).toEqual(["fast", "straightforward"]);
    expect(fast.msPerStep).toHaveLength(2);
    expect(plain.msPerStep).toHaveLength(1);
    expect(fast.parameters).toBe(162_369);
    expect(plain.parameters).toBe(162_369);
    // Same step, different kernels (transpose flags and autodiff vs explicit transposes and fused bias gradients).
    expect(plain.kernels).toBeGreaterThan(1000);
    expect(plain.kernels).not.toBe(fast.kernels);
    expect(fast.tensorsAfterTimed).toBe(fast.tensorsAfterWarmup);
  });
});
