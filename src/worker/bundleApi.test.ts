import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disposeClip, loadClip } from "../core/clip/index.js";
import { readSafetensors } from "../core/clip/safetensors.js";
import { maxAbsDiff, readFolder, TINY_CLIP_DIR } from "../core/clip/testing.js";
import { recordAt } from "../core/data/shapesWorld/dataset.js";
import { readRunBundle, runBundleFilesFromZip } from "../core/io/bundle/index.js";
import { zipFiles } from "../core/io/zip.js";
import { metricsToCsv } from "../core/train/metricsCsv.js";
import type { StepMetrics } from "../core/train/trainer.js";
import { bundleApi } from "./bundleApi.js";
import { adoptNewModel, resetRunRecord } from "./exportApi.js";
import { session } from "./session.js";
import { pausedObjectiveState, trainingApi } from "./trainingApi.js";

const CONFIG = {
  objective: "ceclip",
  steps: 10,
  batchSize: 4,
  lr: 1e-3,
  warmupSteps: 0,
  evalEvery: 0,
  checkpointEvery: 0,
};

beforeAll(async () => {
  await tf.setBackend("cpu");
  session.model = await loadClip(readFolder(TINY_CLIP_DIR), { trainable: true });
  adoptNewModel();
  resetRunRecord();
});

afterAll(async () => {
  await trainingApi.stop();
  for (const m of [session.model, session.baseModel]) if (m) disposeClip(m);
  session.model = undefined;
  session.baseModel = undefined;
});

describe("bundleApi", () => {
  it("exports the paused run's weights, data and thresholds as a readable bundle zip", async () => {
    await trainingApi.startTraining(CONFIG, true);
    await trainingApi.step();
    await trainingApi.step();
    const carried = await pausedObjectiveState();
    expect(carried?.step).toBe(2);
    expect(carried?.objective).toBe("ceclip");
    const progress: number[] = [];
    const zip = await bundleApi.exportRunBundleZip(
      { config: { ...CONFIG, data: "shapes" } as never, dataSize: 12, folder: "tiny-ceclip-bundle" },
      (p) => p.stage === "data" && progress.push(p.done),
    );
    expect(zip.examples).toBe(12);
    expect(zip.carriedFromStep).toBe(2);
    expect(progress).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const bundle = readRunBundle(runBundleFilesFromZip(zip.bytes));
    expect(bundle.run.data.size).toBe(12);
    expect(bundle.run.train.batchSize).toBe(4);
    // The carried thresholds are the paused trainer's, number for number.
    expect(bundle.run.objectiveState).toEqual(carried?.state);
    // The weights are the trained ones, bit for bit (and they moved away from the base).
    const saved = readSafetensors(bundle.modelFiles.get("model.safetensors")!).tensors;
    const base = readSafetensors(readFolder(TINY_CLIP_DIR).get("model.safetensors")!).tensors;
    let moved = 0;
    for (const [name, t] of session.model!.params) {
      const data = await t.data();
      expect(maxAbsDiff(saved.get(name)!.data, data), name).toBe(0);
      if (maxAbsDiff(base.get(name)!.data, data) > 0) moved += 1;
    }
    expect(moved).toBeGreaterThan(10);
  });

  it("exports the two-object scenes under their CLI name when the run config asks for them", async () => {
    const zip = await bundleApi.exportRunBundleZip({
      config: { ...CONFIG, seed: 4, data: "shapes-two-objects" } as never,
      dataSize: 6,
      folder: "pairs",
    });
    const bundle = readRunBundle(runBundleFilesFromZip(zip.bytes));
    expect(bundle.run.data.name).toBe("shapes-train-two-objects");
    expect(bundle.pairs.map((p) => p.caption)).toEqual(
      Array.from({ length: 6 }, (_, i) => recordAt("train", 4, i, { objectCountWeights: [0, 1, 0] }).caption),
    );
    await expect(
      bundleApi.exportRunBundleZip({
        config: { ...CONFIG, data: "imagenet" } as never,
        dataSize: 6,
        folder: "x",
      }),
    ).rejects.toThrow('unknown training data "imagenet"');
  });

  it("says which objectives can go when the run's cannot", async () => {
    await expect(
      bundleApi.exportRunBundleZip({
        config: { ...CONFIG, objective: "ceclip+imageneg" } as never,
        dataSize: 8,
        folder: "x",
      }),
    ).rejects.toThrow('objective "ceclip+imageneg" cannot be scaled out');
  });

  it("imports a finished run: model, metric rows and run.json; a bundle is told apart", async () => {
    const files = readFolder(TINY_CLIP_DIR);
    const metrics: StepMetrics[] = [0, 1, 2].map((step) => ({
      step,
      epoch: 0,
      lr: 1e-3,
      loss: 3 - step / 2,
      terms: { itc: 3 - step / 2 },
      gradNorm: 2,
      logitScale: 14.25,
      applied: true,
    }));
    const out = new Map([...files].filter(([n]) => !n.endsWith(".png")).map(([n, b]) => [`out/${n}`, b]));
    out.set("out/metrics.csv", new TextEncoder().encode(metricsToCsv(metrics)));
    out.set("out/run.json", new TextEncoder().encode(JSON.stringify({ worldSize: 2, config: CONFIG })));
    const result = await bundleApi.importRunResult({ zip: zipFiles(out) }, { name: "out" });
    expect(result.metrics).toEqual(metrics);
    expect(result.record.worldSize).toBe(2);
    expect(result.objective).toBe("ceclip");
    expect(session.modelName).toBe("out");
    expect(result.summary.parameters).toBeGreaterThan(0);

    out.delete("out/metrics.csv");
    await expect(bundleApi.importRunResult({ zip: zipFiles(out) })).rejects.toThrow(
      "metrics.csv: file not found in the run's output",
    );
    const bundleZip = await bundleApi.exportRunBundleZip({
      config: CONFIG as never,
      dataSize: 4,
      folder: "b",
    });
    await expect(bundleApi.importRunResult({ zip: bundleZip.bytes })).rejects.toThrow(
      "this is a run bundle (data/pairs.jsonl), not a finished run",
    );
  });
});
