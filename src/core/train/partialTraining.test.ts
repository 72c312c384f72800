import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { exportClipFiles, type LoadedClip, loadClip } from "../clip/index.js";
import { hasLora, isLoraParameter } from "../clip/lora.js";
import { encodeTextTokens } from "../clip/model.js";
import { maxAbsDiff, readFolder, TINY_CLIP_DIR } from "../clip/testing.js";
import { expectedParameterShapes } from "../clip/weights.js";
import { shapesExampleSource } from "../data/shapesWorld/source.js";
import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint.js";
import { isTrainable, parseTrainConfig, type TrainConfig } from "./config.js";
import { Trainer } from "./trainer.js";

const loadTiny = (): Promise<LoadedClip> => loadClip(readFolder(TINY_CLIP_DIR), { trainable: true });
const source = () => shapesExampleSource({ split: "train", seed: 2, size: 8, imageSize: 32 });
const config = (overrides: Partial<TrainConfig>) =>
  parseTrainConfig({ objective: "ceclip", steps: 4, batchSize: 4, lr: 1e-2, warmupSteps: 0, ...overrides });

async function snapshot(params: Map<string, tf.Tensor>): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, t] of params) out.set(name, (await t.data()) as Float32Array);
  return out;
}

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

async function textFeatures(model: LoadedClip): Promise<Float32Array> {
  const f = tf.tidy(() => {
    const { inputIds, shape } = model.tokenizer.encode(["a red cube", "a blue sphere above a cube"]);
    return encodeTextTokens(model.params, model.config, { ids: inputIds, batch: shape[0], length: shape[1] })
      .features;
  });
  const data = (await f.data()) as Float32Array;
  f.dispose();
  return data;
}

describe("partial training (cpu backend, tiny fixture model)", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  it("lastBlocks trains the last n blocks, the final norms, projections and logit scale", async () => {
    const { config: modelConfig } = await loadTiny();
    const freeze = config({ freeze: { lastBlocks: 1 } as TrainConfig["freeze"] }).freeze;
    const trained = [...expectedParameterShapes(modelConfig)]
      .filter(([name]) => isTrainable(name, freeze, modelConfig))
      .reduce((n, [, shape]) => n + shape.reduce((a, d) => a * d, 1), 0);
    // text block 33,472 + final LN 128; vision block 18,960 + post LN 96; projections 2,048 + 1,536; logit scale 1
    expect(trained).toBe(33_472 + 128 + 18_960 + 96 + 2_048 + 1_536 + 1);
    expect(isTrainable("vision_model.pre_layrnorm.weight", freeze, modelConfig)).toBe(false);
    expect(isTrainable("text_model.encoder.layers.0.mlp.fc1.weight", freeze, modelConfig)).toBe(false);
  });

  it("a LoRA run changes only the adapters, and a later run merges them", async () => {
    const model = await loadTiny();
    const before = await snapshot(model.params);
    const baseText = await textFeatures(model);
    const trainer = new Trainer(
      model.params,
      model.config,
      model.tokenizer,
      source(),
      config({ lora: { rank: 4, alpha: 8 } }),
    );
    expect(trainer.trainableParameterCount).toBe(12_544);
    for (let i = 0; i < 4; i++) trainer.step();
    const metrics = await trainer.readMetrics();
    expect(metrics.every((m) => m.applied && Number.isFinite(m.loss))).toBe(true);
    const after = await snapshot(model.params);
    const unchanged = [...before].filter(([name, v]) => bytes(after.get(name)!).equals(bytes(v)));
    expect(unchanged.length).toBe(before.size);
    const changedB = [...after].filter(([n, v]) => n.endsWith(".lora_B") && v.some((x) => x !== 0));
    expect(changedB.length).toBe(24);
    const adaptedText = await textFeatures(model);
    expect(maxAbsDiff(adaptedText, baseText)).toBeGreaterThan(1e-3);
    trainer.dispose();
    expect(hasLora(model.params)).toBe(true); // the trained adapters outlive the trainer

    // A full fine-tuning run on the same weights starts from the merged model.
    const next = new Trainer(model.params, model.config, model.tokenizer, source(), config({}));
    expect(hasLora(model.params)).toBe(false);
    expect(maxAbsDiff(await textFeatures(model), adaptedText)).toBeLessThan(1e-5);
    expect(next.trainableParameterCount).toBe(162_369);
    next.dispose();
  });

  it("an export merges the adapters; the folder loads back, equals the adapted model and differs from the base", async () => {
    const model = await loadTiny();
    const base = await snapshot(model.params);
    const trainer = new Trainer(
      model.params,
      model.config,
      model.tokenizer,
      source(),
      config({ lora: { rank: 2, alpha: 4 } }),
    );
    for (let i = 0; i < 3; i++) trainer.step();
    await trainer.readMetrics();
    trainer.dispose();
    const adaptedText = await textFeatures(model);

    const files = await exportClipFiles(model);
    const reloaded = await loadClip(files);
    expect(reloaded.warnings).toEqual([]);
    expect([...reloaded.params.keys()].some(isLoraParameter)).toBe(false);
    expect(reloaded.params.size).toBe(base.size);
    const merged = await snapshot(reloaded.params);
    const differs = (name: string) => maxAbsDiff(merged.get(name)!, base.get(name)!) > 0;
    expect(differs("text_model.encoder.layers.0.self_attn.q_proj.weight")).toBe(true);
    expect(differs("vision_model.encoder.layers.1.mlp.fc2.weight")).toBe(true);
    expect(differs("text_model.embeddings.token_embedding.weight")).toBe(false);
    expect(differs("text_model.encoder.layers.0.self_attn.q_proj.bias")).toBe(false);
    expect(maxAbsDiff(await textFeatures(reloaded), adaptedText)).toBeLessThan(1e-5);
  });

  it("a LoRA run resumes from its checkpoint exactly, on a fresh copy of the model", async () => {
    const cfg = config({ lora: { rank: 2, alpha: 4 } });
    const model = await loadTiny();
    const trainer = new Trainer(model.params, model.config, model.tokenizer, source(), cfg);
    for (let i = 0; i < 2; i++) trainer.step();
    await trainer.readMetrics();
    const saved = decodeCheckpoint(encodeCheckpoint(await trainer.checkpoint()));
    for (let i = 0; i < 2; i++) trainer.step();
    const straight = (await trainer.readMetrics()).map((m) => m.loss);

    const fresh = await loadTiny();
    const resumed = new Trainer(fresh.params, fresh.config, fresh.tokenizer, source(), cfg);
    resumed.restore(saved);
    for (let i = 0; i < 2; i++) resumed.step();
    expect((await resumed.readMetrics()).map((m) => m.loss)).toEqual(straight);
    expect(maxAbsDiff(await textFeatures(fresh), await textFeatures(model))).toBe(0);
    trainer.dispose();
    resumed.dispose();
  });
});
