import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { TINY_CLIP_DIR } from "../../core/clip/testing.js";
import { NEGATIVE_TYPES } from "../../core/data/shapesWorld/index.js";
import { evalCommand, runEvalCommand } from "./eval.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("cli eval", () => {
  it("prints the benchmark as one JSON line for the fixture model", async () => {
    const before = tf.memory().numTensors;
    const printed: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    const code = await evalCommand.run([
      "--model",
      TINY_CLIP_DIR,
      "--data",
      "shapes-heldout",
      "--n",
      "20",
      "--backend",
      "cpu",
    ]);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    expect(printed).toHaveLength(1);
    const out = JSON.parse(printed[0]);
    expect(Object.keys(out).sort()).toEqual(
      [
        "candidates",
        "n",
        "perType",
        "perTypeCount",
        "r1_i2t",
        "r1_t2i",
        "r5_i2t",
        "r5_t2i",
        "seconds",
      ].sort(),
    );
    expect(out.n).toBe(20);
    expect(out.candidates).toBe(20);
    expect(Object.keys(out.perType)).toEqual([...NEGATIVE_TYPES]);
    for (const name of NEGATIVE_TYPES) {
      expect(out.perTypeCount[name]).toBeGreaterThan(0);
      expect(out.perTypeCount[name]).toBeLessThanOrEqual(20);
      expect(out.perType[name]).toBeGreaterThanOrEqual(0);
      expect(out.perType[name]).toBeLessThanOrEqual(1);
    }
    // With 20 candidates R@5 is at least R@1, and chance R@1 is 1/20.
    expect(out.r5_i2t).toBeGreaterThanOrEqual(out.r1_i2t);
    expect(out.r5_t2i).toBeGreaterThanOrEqual(out.r1_t2i);
    expect(out.seconds).toBeGreaterThan(0);
    // The model's weights are disposed after the run.
    expect(tf.memory().numTensors).toBe(before);
  });

  it("rejects an unknown --data with the accepted forms, before loading anything", async () => {
    await expect(runEvalCommand(["--model", "/no/such/dir", "--data", "sugarcrepe"])).rejects.toThrow(
      'unknown --data "sugarcrepe" (accepted: shapes-heldout, shapes-train)',
    );
    await expect(runEvalCommand(["--data", "shapes-train"])).rejects.toThrow("--model <dir> is required");
    await expect(runEvalCommand(["--model", TINY_CLIP_DIR, "--n", "0"])).rejects.toThrow(
      "--n must be an integer >= 1",
    );
  });
});
