import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { disposeClip, loadClip } from "../clip/index.js";
import { maxAbsDiff, readFolder } from "../clip/testing.js";
import { runBenchmark } from "./benchmark.js";
import { shapesBenchmarkExamples } from "./shapesHeldout.js";

const MODEL_DIR = join(import.meta.dirname, "../../../public/models/shapes-clip");

interface CardNumbers {
  heldout: {
    n: number;
    seed: number;
    result: { perSample: { positive: number[]; negatives: (number | null)[][] } };
  };
}

describe("the built-in default model", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  it("loads as any HF checkpoint and reproduces its model-card numbers on a subset", async () => {
    const card = JSON.parse(readFileSync(join(MODEL_DIR, "benchmark.json"), "utf8")) as CardNumbers;
    const model = await loadClip(readFolder(MODEL_DIR));
    expect(model.warnings).toEqual([]);
    const n = 40;
    const data = shapesBenchmarkExamples({
      split: "heldout",
      n,
      seed: card.heldout.seed,
      imageSize: model.config.vision_config.image_size,
    });
    const ours = await runBenchmark(model, data, { keepPerSample: true, candidates: n });
    const stored = card.heldout.result.perSample;
    expect(maxAbsDiff(ours.perSample!.positive, stored.positive.slice(0, n))).toBeLessThan(1e-4);
    const flat = (rows: (number | null)[][]) => rows.flat().map((x) => x ?? -9);
    expect(maxAbsDiff(flat(ours.perSample!.negatives), flat(stored.negatives.slice(0, n)))).toBeLessThan(
      1e-4,
    );
    disposeClip(model);
  });
});
