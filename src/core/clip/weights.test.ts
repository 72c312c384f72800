import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ClipConfig, parseClipConfig } from "./config.js";
import { readSafetensors } from "./safetensors.js";
import { readJson, TINY_CLIP_DIR } from "./testing.js";
import {
  checkWeights,
  expectedParameterShapes,
  type HostTensor,
  initParameters,
  parameterCount,
  validateWeights,
  WeightsError,
} from "./weights.js";

const config = parseClipConfig(readJson(join(TINY_CLIP_DIR, "config.json")));
const checkpoint = readSafetensors(new Uint8Array(readFileSync(join(TINY_CLIP_DIR, "model.safetensors"))));

function stats(data: Float32Array): { mean: number; std: number } {
  let sum = 0;
  for (const v of data) sum += v;
  const mean = sum / data.length;
  let squares = 0;
  for (const v of data) squares += (v - mean) ** 2;
  return { mean, std: Math.sqrt(squares / data.length) };
}

function withoutKey<T>(map: Map<string, T>, key: string): Map<string, T> {
  const copy = new Map(map);
  copy.delete(key);
  return copy;
}

describe("expectedParameterShapes", () => {
  it("matches the HF checkpoint key for key and shape for shape", () => {
    const expected = expectedParameterShapes(config);
    const actual = new Map([...checkpoint.tensors].map(([name, t]) => [name, t.shape]));
    const sorted = (m: Map<string, number[]>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));
    const extras = [...actual.keys()].filter((k) => !expected.has(k) && !k.endsWith(".position_ids"));
    expect(extras).toEqual([]);
    expect(sorted(expected)).toEqual(sorted(actual));
    expect(expected.size).toBe(78);
  });

  it("uses HF's names and shapes for the tricky entries", () => {
    const shapes = expectedParameterShapes(config);
    expect(shapes.get("vision_model.pre_layrnorm.weight")).toEqual([48]);
    expect(shapes.get("vision_model.embeddings.position_embedding.weight")).toEqual([17, 48]);
    expect(shapes.get("text_model.encoder.layers.1.mlp.fc2.weight")).toEqual([64, 128]);
    expect(shapes.get("text_projection.weight")).toEqual([32, 64]);
    expect(shapes.get("logit_scale")).toEqual([]);
    expect(shapes.has("vision_model.embeddings.patch_embedding.bias")).toBe(false);
    expect(shapes.has("text_projection.bias")).toBe(false);
    expect([...shapes.keys()].slice(0, 3)).toEqual([
      "text_model.embeddings.token_embedding.weight",
      "text_model.embeddings.position_embedding.weight",
      "text_model.encoder.layers.0.self_attn.k_proj.weight",
    ]);
  });
});

describe("parameterCount", () => {
  it("counts the tiny checkpoint's floats", () => {
    let floats = 0;
    for (const t of checkpoint.tensors.values()) floats += t.data.length;
    expect(floats).toBe(162_369);
    expect(parameterCount(config)).toBe(162_369);
  });

  it("gives openai/clip-vit-base-patch32's 151,277,313 for the default config", () => {
    expect(parameterCount(parseClipConfig({}))).toBe(151_277_313);
  });
});

describe("checkWeights and validateWeights", () => {
  const tensors = checkpoint.tensors as Map<string, HostTensor>;

  it("finds nothing wrong with the checkpoint", () => {
    expect(checkWeights(config, tensors)).toEqual({ missing: [], mismatched: [], unknown: [] });
    expect(validateWeights(config, tensors)).toEqual({ warnings: [], unknown: [] });
  });

  it("lists missing, misshapen and unknown tensors", () => {
    const broken = withoutKey(tensors, "logit_scale");
    broken.delete("vision_model.post_layernorm.bias");
    broken.set("text_projection.weight", { shape: [64, 32], data: new Float32Array(2048) });
    broken.set("text_model.embeddings.position_ids", { shape: [1, 16], data: new Float32Array(16) });
    expect(checkWeights(config, broken)).toEqual({
      missing: ["vision_model.post_layernorm.bias", "logit_scale"],
      mismatched: [{ name: "text_projection.weight", expected: [32, 64], actual: [64, 32] }],
      unknown: ["text_model.embeddings.position_ids"],
    });
  });

  it("throws for the first missing parameter", () => {
    const broken = withoutKey(tensors, "text_model.encoder.layers.1.self_attn.q_proj.bias");
    expect(() => validateWeights(config, broken)).toThrow(WeightsError);
    expect(() => validateWeights(config, broken)).toThrow(
      /^missing parameter text_model\.encoder\.layers\.1\.self_attn\.q_proj\.bias$/,
    );
    broken.delete("logit_scale");
    expect(() => validateWeights(config, broken)).toThrow(
      /^missing parameter text_model\.encoder\.layers\.1\.self_attn\.q_proj\.bias \(and 1 more\)$/,
    );
  });

  it("throws for a misshapen parameter", () => {
    const broken = new Map(tensors);
    broken.set("vision_model.embeddings.patch_embedding.weight", {
      shape: [48, 3, 16, 16],
      data: new Float32Array(48 * 3 * 16 * 16),
    });
    expect(() => validateWeights(config, broken)).toThrow(
      /^parameter vision_model\.embeddings\.patch_embedding\.weight has shape \[48,3,16,16\], expected \[48,3,8,8\]$/,
    );
    broken.set("logit_scale", { shape: [1], data: new Float32Array(1) });
    expect(() => validateWeights(config, broken)).toThrow(
      /has shape \[48,3,16,16\], expected \[48,3,8,8\] \(and 1 more\)$/,
    );
  });

  it("warns about unknown tensors and ignores them", () => {
    const extra = new Map(tensors);
    extra.set("text_model.embeddings.position_ids", { shape: [1, 16], data: new Float32Array(16) });
    expect(validateWeights(config, extra)).toEqual({
      warnings: ["unknown parameter text_model.embeddings.position_ids ignored"],
      unknown: ["text_model.embeddings.position_ids"],
    });
  });
});

describe("initParameters", () => {
  const params = initParameters(config, 7);
  const std = (name: string) => stats(params.get(name)!.data).std;

  it("creates exactly the expected parameters, which validate cleanly", () => {
    const shapes = expectedParameterShapes(config);
    expect([...params.keys()]).toEqual([...shapes.keys()]);
    for (const [name, t] of params) {
      expect(t.shape).toEqual(shapes.get(name));
      expect(t.data.length).toBe(t.shape.reduce((n, d) => n * d, 1));
    }
    expect(validateWeights(config, params).warnings).toEqual([]);
  });

  it("is deterministic in the seed", () => {
    const again = initParameters(config, 7);
    const other = initParameters(config, 8);
    for (const [name, t] of params) expect(again.get(name)!.data).toEqual(t.data);
    const a = params.get("text_model.embeddings.token_embedding.weight")!.data;
    const b = other.get("text_model.embeddings.token_embedding.weight")!.data;
    expect(a.filter((v, i) => v === b[i]).length).toBe(0);
    // Layers draw from their own streams: k_proj and q_proj of one layer differ.
    const k = params.get("text_model.encoder.layers.0.self_attn.k_proj.weight")!.data;
    const q = params.get("text_model.encoder.layers.0.self_attn.q_proj.weight")!.data;
    expect(k[0]).not.toBe(q[0]);
  });

  it("draws each parameter from a stream named after it, independent of the others", () => {
    const deeper = parseClipConfig({
      ...config,
      text_config: { ...config.text_config, num_hidden_layers: 3 },
    });
    const name = "vision_model.embeddings.patch_embedding.weight";
    expect(initParameters(deeper, 7).get(name)!.data).toEqual(params.get(name)!.data);
  });

  it("follows HF's _init_weights standard deviations", () => {
    const width = 64;
    const layers = 2;
    const targets: [string, number][] = [
      ["text_model.embeddings.token_embedding.weight", 0.02],
      ["text_model.encoder.layers.0.self_attn.q_proj.weight", width ** -0.5 * (2 * layers) ** -0.5],
      ["text_model.encoder.layers.1.self_attn.out_proj.weight", width ** -0.5],
      ["text_model.encoder.layers.0.mlp.fc1.weight", (2 * width) ** -0.5],
      ["text_model.encoder.layers.0.mlp.fc2.weight", width ** -0.5 * (2 * layers) ** -0.5],
      ["vision_model.embeddings.patch_embedding.weight", 0.02],
      ["vision_model.encoder.layers.0.self_attn.v_proj.weight", 48 ** -0.5 * 4 ** -0.5],
      ["text_projection.weight", width ** -0.5],
      ["visual_projection.weight", 48 ** -0.5],
    ];
    for (const [name, target] of targets) {
      const { mean, std: actual } = stats(params.get(name)!.data);
      expect(Math.abs(actual / target - 1), name).toBeLessThan(0.05);
      expect(Math.abs(mean), name).toBeLessThan(0.1 * target);
    }
  });

  it("sets LayerNorms to 1 and 0, biases to 0 and logit_scale to its init value", () => {
    const allEqual = (name: string, value: number) => params.get(name)!.data.every((v) => v === value);
    expect(allEqual("text_model.encoder.layers.0.layer_norm1.weight", 1)).toBe(true);
    expect(allEqual("text_model.final_layer_norm.weight", 1)).toBe(true);
    expect(allEqual("vision_model.pre_layrnorm.weight", 1)).toBe(true);
    expect(allEqual("vision_model.post_layernorm.weight", 1)).toBe(true);
    expect(allEqual("vision_model.pre_layrnorm.bias", 0)).toBe(true);
    expect(allEqual("vision_model.encoder.layers.1.mlp.fc1.bias", 0)).toBe(true);
    expect(allEqual("text_model.encoder.layers.0.self_attn.q_proj.bias", 0)).toBe(true);
    expect(params.get("logit_scale")!.data[0]).toBe(Math.fround(2.6592));
  });

  it("scales every normal by initializer_factor", () => {
    const doubled: ClipConfig = parseClipConfig({ ...config, initializer_factor: 2 });
    const big = initParameters(doubled, 7);
    const name = "text_model.encoder.layers.0.mlp.fc1.weight";
    expect(big.get(name)!.data[5]).toBeCloseTo(2 * params.get(name)!.data[5], 6);
    expect(stats(big.get(name)!.data).std / std(name)).toBeCloseTo(2, 5);
    expect(big.get("text_model.final_layer_norm.weight")!.data[0]).toBe(1);
  });

  it("draws a large matrix with the target std", () => {
    const big = initParameters(
      parseClipConfig({ ...config, text_config: { ...config.text_config, vocab_size: 8000 } }),
      1,
    );
    const { mean, std: actual } = stats(big.get("text_model.embeddings.token_embedding.weight")!.data);
    expect(actual).toBeGreaterThan(0.02 * 0.99);
    expect(actual).toBeLessThan(0.02 * 1.01);
    expect(Math.abs(mean)).toBeLessThan(0.0005);
  });
});
