import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { disposeClip } from "../src/core/clip/index.js";
import { parseMetricsCsv } from "../src/core/train/metricsCsv.js";
import { pretrainingRun } from "./pretrain-default.js";

const MODEL_DIR = join(import.meta.dirname, "../public/models/shapes-clip");
const STEPS_CHECKED = 12;

/**
 * `scripts/pretrain-default.ts` must retrain the committed default model from its seed. A
 * full run takes ~25 minutes, so this replays its first steps on wasm (the backend it ran
 * on) and asks for the committed run's logged losses and gradient norms bit for bit: any
 * change to the numerics of the step (a kernel, a summation order) fails here, and then the
 * default model has to be pretrained again.
 */
describe("pretrain-default", () => {
  beforeAll(async () => {
    expect(await tf.setBackend("wasm")).toBe(true);
  });

  it("replays the committed run's first steps bit for bit", async () => {
    const training = JSON.parse(readFileSync(join(MODEL_DIR, "training.json"), "utf8")) as {
      steps: number;
      seed: number;
      batchSize: number;
    };
    const logged = parseMetricsCsv(readFileSync(join(MODEL_DIR, "metrics.csv"), "utf8"))
      .slice(0, STEPS_CHECKED)
      .map((m) => ({ loss: m.loss, gradNorm: m.gradNorm }));

    const { model, trainer } = pretrainingRun(training.seed, training.steps, training.batchSize);
    for (let s = 0; s < STEPS_CHECKED; s++) trainer.step();
    const replayed = (await trainer.readMetrics()).map((m) => ({ loss: m.loss, gradNorm: m.gradNorm }));
    trainer.dispose();
    disposeClip(model);

    expect(replayed).toEqual(logged);
    // The losses move: a run that did not train would not match by accident.
    expect(logged[0].loss).not.toBe(logged[STEPS_CHECKED - 1].loss);
  });
});
