import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadClip } from "../core/clip/index.js";
import { readFolder, TINY_CLIP_DIR } from "../core/clip/testing.js";
import { shapesExampleSource } from "../core/data/shapesWorld/source.js";
import { parseTrainConfig } from "../core/train/config.js";
import { Trainer } from "../core/train/trainer.js";
import { faultHooksApi, poisonNextStep } from "./faultHooks.js";

describe("fault hooks (cpu backend, tiny fixture model)", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  it("a poisoned step has a NaN loss and is skipped; the steps around it apply", async () => {
    const model = await loadClip(readFolder(TINY_CLIP_DIR), { trainable: true });
    const source = shapesExampleSource({ split: "train", seed: 3, size: 8, imageSize: 32 });
    const config = parseTrainConfig({ objective: "ceclip", steps: 10, batchSize: 4, lr: 1e-3 });
    const trainer = new Trainer(model.params, model.config, model.tokenizer, source, config);
    const original = Trainer.prototype.step;
    const compute = trainer.objective.compute;
    const weight = () => model.params.get("text_projection.weight")!.data() as Promise<Float32Array>;

    trainer.step();
    const before = await weight();
    poisonNextStep();
    expect(Trainer.prototype.step).not.toBe(original);
    trainer.step();
    expect(Trainer.prototype.step).toBe(original); // once only
    expect(trainer.objective.compute).toBe(compute);
    const after = await weight();
    trainer.step();
    const metrics = await trainer.readMetrics();

    expect(metrics.map((m) => m.applied)).toEqual([true, false, true]);
    expect(Number.isNaN(metrics[1].loss)).toBe(true);
    expect(Number.isFinite(metrics[2].loss)).toBe(true);
    expect(after).toEqual(before); // the skipped step left the weights as they were
    expect(await weight()).not.toEqual(after);
    trainer.dispose();
  });

  it("every test hook refuses to run until enabled", () => {
    expect(() => faultHooksApi.testPoisonNextStep()).toThrow("test hooks are off");
    expect(() => faultHooksApi.testStorageFull(true)).toThrow("test hooks are off");
    expect(() => faultHooksApi.testCrash()).toThrow("test hooks are off");
    expect(() => faultHooksApi.testLoseDevice()).toThrow("test hooks are off");
  });
});
