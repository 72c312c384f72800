import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disposeClip, type LoadedClip, loadClip } from "../core/clip/index.js";
import { readFolder, TINY_CLIP_DIR } from "../core/clip/testing.js";
import { sampleAt } from "../core/data/shapesWorld/index.js";
import { runBenchmark } from "../core/eval/benchmark.js";
import { shapesBenchmarkExamples } from "../core/eval/shapesHeldout.js";
import { adoptNewModel, resetRunRecord } from "./exportApi.js";
import { resolveSamplesRequest, samplesApi, THUMBNAIL_SIZE } from "./samplesApi.js";
import { session } from "./session.js";

let model: LoadedClip;

beforeAll(async () => {
  await tf.setBackend("cpu");
  model = await loadClip(readFolder(TINY_CLIP_DIR), { trainable: true });
  session.model = model;
  adoptNewModel();
  resetRunRecord();
});

afterAll(() => {
  if (session.baseModel) disposeClip(session.baseModel);
  disposeClip(model);
  session.model = undefined;
  session.baseModel = undefined;
});

describe("samples API", () => {
  it("lists held-out rows first, then training rows, with thumbnails", async () => {
    const table = await samplesApi.sampleTable({ heldoutN: 3, trainN: 2 });
    expect(table.rows.map((r) => r.id)).toEqual([
      "heldout-0-0",
      "heldout-0-1",
      "heldout-0-2",
      "train-0-0",
      "train-0-1",
    ]);
    expect(table.rows[4].caption).toBe(sampleAt("train", 0, 1).caption);
    expect(table.rows[0].thumbnail).toMatch(/^data:image\/png;base64,/);
    const png = Buffer.from(table.rows[0].thumbnail.split(",")[1], "base64");
    expect(png.readUInt32BE(16)).toBe(THUMBNAIL_SIZE);
  });

  it("scores held-out rows exactly as the benchmark does, without leaking tensors", async () => {
    const request = resolveSamplesRequest({ heldoutN: 4, trainN: 1 });
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const evaluation = await samplesApi.scoreSamples(request, (done) => progress.push(done));
    expect(tf.memory().numTensors).toBe(before);
    expect(progress[progress.length - 1]).toBe(5);
    expect(evaluation.step).toBe(0);
    expect(evaluation.thetas).toBeNull();
    expect(evaluation.logitScale).toBeCloseTo(
      Math.exp((await model.params.get("logit_scale")!.data())[0]),
      5,
    );
    const reference = await runBenchmark(
      model,
      shapesBenchmarkExamples({ n: 4, seed: 0, imageSize: model.config.vision_config.image_size }),
      { keepPerSample: true },
    );
    evaluation.positive.slice(0, 4).forEach((p, i) => {
      expect(p).toBeCloseTo(reference.perSample!.positive[i], 6);
    });
    expect(evaluation.negatives.slice(0, 4).map((r) => r.map((x) => x === null))).toEqual(
      reference.perSample!.negatives.map((r) => r.map((x) => x === null)),
    );
    expect(evaluation.positive).toHaveLength(5);
  });

  it("rejects empty and oversized requests", () => {
    expect(() => resolveSamplesRequest({ heldoutN: 0, trainN: 0 })).toThrow(/at least one/);
    expect(() => resolveSamplesRequest({ heldoutN: 6000, trainN: 0 })).toThrow(/at most/);
  });
});
