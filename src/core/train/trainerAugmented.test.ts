import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportClipFiles, isLabParameter, type LoadedClip, loadClip } from "../clip/index.js";
import { readSafetensors } from "../clip/safetensors.js";
import { readFolder, TINY_CLIP_DIR } from "../clip/testing.js";
import { shapesExampleSource } from "../data/shapesWorld/source.js";
import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint.js";
import { parseTrainConfig, type TrainConfig } from "./config.js";
import { VISUAL_DICTIONARY_PARAM } from "./imageNegatives.js";
import { KEYWORD_HEAD_BIAS, KEYWORD_HEAD_WEIGHT } from "./keywordHead.js";
import { type StepMetrics, Trainer } from "./trainer.js";

/**
 * Image negatives and keyword supervision in the training loop (tiny fixture model). On wasm,
 * the CLI's backend: faster than cpu, and its kernels (top-k, arg-min, mod, cumsum) are the
 * ones the CLI runs.
 */

const loadTiny = (): Promise<LoadedClip> => loadClip(readFolder(TINY_CLIP_DIR), { trainable: true });
const source = () => shapesExampleSource({ split: "train", seed: 5, size: 12, imageSize: 32 });

/** Small dictionary (12 images x 16 patches) so the test stays fast. */
function config(objective: string, overrides: Partial<TrainConfig> = {}): TrainConfig {
  return parseTrainConfig({
    objective,
    objectiveOptions: { imageNegPrototypes: 16, imageNegDictionaryImages: 12, keywordVocabCaptions: 12 },
    steps: 8,
    batchSize: 4,
    lr: 2e-3,
    warmupSteps: 1,
    ...overrides,
  });
}

async function run(trainer: Trainer, steps: number): Promise<StepMetrics[]> {
  for (let i = 0; i < steps; i++) trainer.step();
  return trainer.readMetrics();
}

async function prepared(model: LoadedClip, objective: string): Promise<Trainer> {
  const trainer = new Trainer(model.params, model.config, model.tokenizer, source(), config(objective));
  await trainer.prepare();
  return trainer;
}

describe("Trainer with image negatives and keyword supervision", () => {
  beforeAll(async () => {
    await tf.setBackend("wasm");
  });
  afterAll(async () => {
    await tf.setBackend("cpu");
  });

  it("each option trains with finite metrics, logs its terms and leaks no tensor", async () => {
    const cases: Array<[string, string[]]> = [
      ["ceclip+imageneg", ["imageNeg", "imageNegAccuracy", "imageNegGap"]],
      ["ceclip+keywords", ["keyword", "keywordMap"]],
      ["degla+imageneg+keywords", ["distill", "imageNeg", "imageNegAccuracy", "keyword", "keywordMap"]],
    ];
    for (const [objective, terms] of cases) {
      const model = await loadTiny();
      const trainer = await prepared(model, objective);
      const headBefore = model.params.get(KEYWORD_HEAD_WEIGHT)?.dataSync().slice();
      const first = await run(trainer, 1);
      const tensors = tf.memory().numTensors;
      const more = await run(trainer, 2);
      expect(tf.memory().numTensors, objective).toBe(tensors);
      for (const m of [...first, ...more]) {
        expect(Number.isFinite(m.loss) && m.applied, objective).toBe(true);
        for (const name of terms) expect(Number.isFinite(m.terms[name]), `${objective} ${name}`).toBe(true);
      }
      if (terms.includes("imageNegAccuracy")) {
        for (const m of [...first, ...more]) {
          expect([0, 0.25, 0.5, 0.75, 1]).toContain(m.terms.imageNegAccuracy);
          expect(Math.abs(m.terms.imageNegGap), "the negative image differs").toBeGreaterThan(1e-6);
        }
      }
      if (terms.includes("keyword")) {
        expect(first[0].terms.keyword).toBeGreaterThan(0);
        expect(first[0].terms.keywordMap).toBeGreaterThan(0);
        expect(first[0].terms.keywordMap).toBeLessThanOrEqual(1);
        // The head trains: its weights moved.
        const headAfter = model.params.get(KEYWORD_HEAD_WEIGHT)!.dataSync();
        expect(Math.max(...headAfter.map((w, j) => Math.abs(w - headBefore![j])))).toBeGreaterThan(1e-4);
      }
      if (trainer.teacher) expect([...trainer.teacher.keys()].some(isLabParameter)).toBe(false);
      trainer.dispose();
      expect([...model.params.keys()].some(isLabParameter), objective).toBe(false);
    }
  }, 120_000);

  it("step() before prepare() says what to do", async () => {
    const model = await loadTiny();
    const trainer = new Trainer(
      model.params,
      model.config,
      model.tokenizer,
      source(),
      config("clip+imageneg"),
    );
    expect(() => trainer.step()).toThrow(/await trainer.prepare\(\) before step\(\)/);
    trainer.dispose();
  });

  it("the checkpoint keeps the head and the dictionary, the HF export leaves them out; resume is exact", async () => {
    const objective = "negclip+imageneg+keywords";
    const straightModel = await loadTiny();
    const straight = await prepared(straightModel, objective);
    const expected = await run(straight, 4);

    const firstModel = await loadTiny();
    const firstHalf = await prepared(firstModel, objective);
    const before = await run(firstHalf, 2);
    const bytes = encodeCheckpoint(await firstHalf.checkpoint());
    const exported = readSafetensors((await exportClipFiles(firstModel)).get("model.safetensors")!).tensors;
    const dictionary = Array.from(await firstModel.params.get(VISUAL_DICTIONARY_PARAM)!.data());
    const head = Array.from(await firstModel.params.get(KEYWORD_HEAD_WEIGHT)!.data());
    firstHalf.dispose();

    const saved = decodeCheckpoint(bytes);
    expect(saved.params.get(VISUAL_DICTIONARY_PARAM)!.shape).toEqual([16, 48]);
    expect(Array.from(saved.params.get(VISUAL_DICTIONARY_PARAM)!.data)).toEqual(dictionary);
    expect(Array.from(saved.params.get(KEYWORD_HEAD_WEIGHT)!.data)).toEqual(head);
    expect(saved.params.get(KEYWORD_HEAD_BIAS)!.shape).toEqual([head.length / 32]);
    expect([...exported.keys()].filter(isLabParameter)).toEqual([]);
    expect(exported.size).toBe(saved.params.size - 3);
    expect(exported.has("visual_projection.weight")).toBe(true);

    // Restored before prepare(): the saved dictionary is used, not one rebuilt from trained weights.
    const resumedModel = await loadTiny();
    const resumed = new Trainer(
      resumedModel.params,
      resumedModel.config,
      resumedModel.tokenizer,
      source(),
      config(objective),
    );
    resumed.restore(saved);
    await resumed.prepare();
    expect(Array.from(await resumedModel.params.get(VISUAL_DICTIONARY_PARAM)!.data())).toEqual(dictionary);
    const after = await run(resumed, 2);
    expect([...before, ...after].map((m) => m.loss)).toEqual(expected.map((m) => m.loss));
    expect([...before, ...after].map((m) => m.terms.imageNeg)).toEqual(expected.map((m) => m.terms.imageNeg));
    for (const name of [KEYWORD_HEAD_WEIGHT, "vision_model.pre_layrnorm.weight"]) {
      expect(Array.from(resumedModel.params.get(name)!.dataSync()), name).toEqual(
        Array.from(straightModel.params.get(name)!.dataSync()),
      );
    }
    straight.dispose();
    resumed.dispose();
  }, 120_000);
});
