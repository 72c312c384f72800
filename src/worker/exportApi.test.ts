import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disposeClip, type LoadedClip, loadClip } from "../core/clip/index.js";
import { readSafetensors } from "../core/clip/safetensors.js";
import { readFolder, TINY_CLIP_DIR } from "../core/clip/testing.js";
import type { BenchmarkResult } from "../core/eval/benchmark.js";
import { unzipFiles, zipFiles } from "../core/io/zip.js";
import { parseTrainConfig } from "../core/train/config.js";
import {
  adoptNewModel,
  exportApi,
  exportFiles,
  IMPORT_LIMITS,
  latestThetas,
  modelCardMarkdown,
  modelFilesFromZip,
  recordRunStart,
  recordTrainingEvent,
  resetRunRecord,
  runRecord,
} from "./exportApi.js";
import { probeApi } from "./probeApi.js";
import { session } from "./session.js";
import type { StepEvent } from "./trainingApi.js";

function fakeResult(accuracy: number, r1: number): BenchmarkResult {
  return {
    n: 50,
    candidates: 50,
    perType: { attributeSwap: accuracy, objectSwap: 0.5, attributeReplace: 0.875, relationReplace: null },
    perTypeCount: { attributeSwap: 50, objectSwap: 40, attributeReplace: 50, relationReplace: 0 },
    r1_i2t: r1,
    r5_i2t: 0.9,
    r1_t2i: 0.25,
    r5_t2i: 0.75,
  };
}

function stepEvent(step: number, thetas: number[]): StepEvent {
  return {
    step,
    epoch: 0,
    lr: 1e-3,
    loss: 2.5 - step * 0.01,
    terms: { itc: 1.5, cmr: 0.2, ...Object.fromEntries(thetas.map((t, k) => [`theta_${k}`, t])) },
    gradNorm: 1,
    logitScale: 14.3,
    applied: true,
    msPerStep: 10,
    examplesPerSecond: 100,
    numTensors: 1,
    numBytes: 1,
  };
}

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
  if (session.model) disposeClip(session.model);
  session.model = undefined;
  session.baseModel = undefined;
});

describe("model card", () => {
  const config = parseTrainConfig({ objective: "ceclip", steps: 300, batchSize: 16, lr: 5e-4, seed: 7 });

  it("states the run config and the latest benchmark numbers, base and current", () => {
    const card = modelCardMarkdown({
      modelName: "tiny clip",
      config: model.config,
      parameters: 123456,
      step: 300,
      runConfig: config,
      benchmark: {
        source: "benchmark panel",
        data: "shapes-heldout",
        n: 50,
        seed: 0,
        step: 300,
        base: fakeResult(0.5, 0.125),
        current: fakeResult(0.8125, 0.375),
      },
      backend: "webgpu",
    });
    expect(card).toMatch(/^---\nlibrary_name: transformers/);
    expect(card).toContain("# tiny clip (HardNeg Lab export)");
    expect(card).toContain("for 300 steps with the `ceclip` objective");
    expect(card).toContain('"lr": 0.0005');
    expect(card).toContain('"batchSize": 16');
    expect(card).toContain('"seed": 7');
    expect(card).toContain("123,456 parameters");
    expect(card).toContain("| metric | base | current |");
    expect(card).toContain("| attributeSwap accuracy (n = 50, chance 50%) | 50.0% | 81.3% |");
    expect(card).toContain("| relationReplace accuracy (n = 0, chance 50%) | n/a | n/a |");
    expect(card).toContain("| R@1 image→text | 12.5% | 37.5% |");
    expect(card).toContain("| R@5 text→image | 75.0% | 75.0% |");
    expect(card).toContain("n = 50, seed 0), measured at step 300 by the benchmark panel");
  });

  it("says so when there was no run and no benchmark", () => {
    const card = modelCardMarkdown({ modelName: "m", config: model.config, parameters: 1, step: 0 });
    expect(card).toContain("No training run was recorded");
    expect(card).toContain("No benchmark was run before this export.");
  });
});

describe("run record", () => {
  it("keeps metrics, step, thetas and the latest evaluation from training events", () => {
    resetRunRecord();
    const run = runRecord.run;
    recordRunStart(parseTrainConfig({ objective: "ceclip" }));
    expect(runRecord.run).toBe(run);
    recordTrainingEvent({ type: "steps", steps: [stepEvent(0, [1, 2, 3, 4]), stepEvent(1, [1.5, 2, 3, 4])] });
    expect(runRecord.step).toBe(2);
    expect(runRecord.metrics).toHaveLength(2);
    expect(runRecord.metrics[0]).not.toHaveProperty("msPerStep");
    expect(latestThetas(4)).toEqual([1.5, 2, 3, 4]);
    expect(latestThetas(5)).toBeNull();
    recordTrainingEvent({ type: "eval", step: 2, result: fakeResult(0.6, 0.2) });
    expect(runRecord.benchmark?.source).toBe("training evaluation");
    expect(runRecord.benchmark?.current.perType.attributeSwap).toBe(0.6);
    // A new run on trained weights starts another timeline.
    recordRunStart(parseTrainConfig({ objective: "clip" }));
    expect(runRecord.run).toBe(run + 1);
    expect(runRecord.metrics).toHaveLength(0);
    expect(latestThetas(4)).toBeNull();
  });
});

describe("export and import", () => {
  it("exports an HF folder with card, metrics and run record, and imports it back", async () => {
    resetRunRecord();
    recordRunStart(parseTrainConfig({ objective: "ceclip", steps: 10 }));
    recordTrainingEvent({ type: "steps", steps: [stepEvent(0, [1, 2, 3, 4])] });
    await probeApi.benchmarkBaseCurrent({ n: 8 });
    const files = await exportFiles(model, { modelName: "tiny" });
    expect([...files.keys()].sort()).toEqual(
      [
        "README.md",
        "config.json",
        "merges.txt",
        "metrics.csv",
        "model.safetensors",
        "run.json",
        "tokenizer.json",
        "tokenizer_config.json",
        "vocab.json",
      ].sort(),
    );
    const text = (name: string) => new TextDecoder().decode(files.get(name));
    expect(text("metrics.csv").split("\n")[0]).toContain("step,epoch,lr,loss");
    expect(text("README.md")).toContain("n = 8, seed 0), measured at step 1 by the benchmark panel");
    const run = JSON.parse(text("run.json"));
    expect(run.trainConfig.objective).toBe("ceclip");
    expect(run.benchmark.current.perSample).toBeUndefined();
    const weights = readSafetensors(files.get("model.safetensors")!);
    expect(weights.tensors.size).toBe(model.params.size);

    const zip = await exportApi.exportModelZip({ modelName: "tiny" });
    expect(unzipFiles(zip, IMPORT_LIMITS).get("config.json")).toEqual(files.get("config.json"));

    // Change the current weights, then import the zip: the weights come back, the base is kept.
    const base = session.baseModel;
    const proj = model.params.get("text_projection.weight") as tf.Variable;
    const saved = (await proj.data()).slice();
    tf.tidy(() => proj.assign(tf.zerosLike(proj)));
    const summary = await exportApi.importModelZip(zip, { name: "tiny-import" });
    expect(summary.keptBase).toBe(true);
    expect(session.baseModel).toBe(base);
    expect(session.model).not.toBe(model);
    const restored = await session.model!.params.get("text_projection.weight")!.data();
    expect(Array.from(restored)).toEqual(Array.from(saved));
    expect(runRecord.metrics).toHaveLength(0);
    model = session.model!;
  });

  it("accepts a zipped folder and rejects a zip without a model", () => {
    const files = new Map([
      ["my-model/config.json", new TextEncoder().encode("{}")],
      ["my-model/model.safetensors", new Uint8Array(8)],
    ]);
    expect([...modelFilesFromZip(zipFiles(files)).keys()].sort()).toEqual([
      "config.json",
      "model.safetensors",
    ]);
    expect(() => modelFilesFromZip(zipFiles(new Map([["notes.txt", new Uint8Array(1)]])))).toThrow(
      /config.json and model.safetensors are needed, found notes.txt/,
    );
  });
});
