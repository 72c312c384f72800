import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { parseClipConfig } from "./config.js";
import { encodeText, loadClip } from "./index.js";
import { poolingPositions } from "./model.js";
import { readSafetensors } from "./safetensors.js";
import { maxAbsDiff, readFolder, TINY_CLIP_DIR } from "./testing.js";
import { parameterCount } from "./weights.js";

/**
 * Checkpoints from the wild: OpenAI's configs (legacy `eos_token_id` 2, `*_config_dict`),
 * TinyCLIP-style configs (narrow towers of different depths, GELU, sparse sub-configs) and
 * half-precision weights.
 */
const testdata = (name: string) => readFileSync(join(import.meta.dirname, "testdata", name), "utf8");

/** float32 -> IEEE half bits, rounding to nearest (subnormals included; no NaN in weights). */
function toHalfBits(value: number): number {
  const bits = new Uint32Array(Float32Array.of(value).buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 112;
  let mantissa = bits & 0x7fffff;
  if (exponent >= 31) return sign | 0x7c00;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    mantissa = (mantissa | 0x800000) >> (1 - exponent);
    return sign | ((mantissa + 0x1000) >> 13);
  }
  const rounded = (exponent << 23) | mantissa;
  return sign | ((rounded + 0x1000) >> 13);
}

/** The same tensors as an F16 or BF16 safetensors file (rounded to nearest). */
function halfCheckpoint(f32: Uint8Array, dtype: "F16" | "BF16"): Uint8Array {
  const { tensors } = readSafetensors(f32);
  const header: Record<string, unknown> = {};
  const halves: Uint16Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const half = Uint16Array.from(t.data, (v) =>
      dtype === "F16" ? toHalfBits(v) : (new Uint32Array(Float32Array.of(v).buffer)[0] + 0x8000) >>> 16,
    );
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + 2 * half.length] };
    offset += 2 * half.length;
    halves.push(half);
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const file = new Uint8Array(8 + json.length + offset);
  new DataView(file.buffer).setBigUint64(0, BigInt(json.length), true);
  file.set(json, 8);
  let at = 8 + json.length;
  for (const half of halves) {
    file.set(new Uint8Array(half.buffer), at);
    at += half.byteLength;
  }
  return file;
}

describe("checkpoint formats", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  it("reads OpenAI's ViT-B/32 config: legacy eos_token_id 2 pools at the largest id; 151,277,313 parameters", () => {
    const config = parseClipConfig(testdata("openai-clip-vit-base-patch32.config.json"));
    expect(config.text_config.eos_token_id).toBe(2);
    expect(config.text_config.hidden_size).toBe(512);
    expect(config.vision_config.patch_size).toBe(32);
    expect(config.vision_config.hidden_act).toBe("quick_gelu");
    // text 63,165,952 + vision 87,456,000 + projections 655,360 + logit scale 1 (HF's count)
    expect(parameterCount(config)).toBe(151_277_313);
    // [bos, "a", "cat", eos, pad, pad]: eos_token_id 2 -> the position of the largest id.
    const ids = Int32Array.of(49406, 320, 2368, 49407, 0, 0);
    expect(poolingPositions({ ids, batch: 1, length: 6 }, 2)).toEqual(Int32Array.of(3));
    expect(poolingPositions({ ids, batch: 1, length: 6 }, 49407)).toEqual(Int32Array.of(3));
  });

  it("lets legacy text_config_dict / vision_config_dict override the sub-configs, as HF does", () => {
    const raw = JSON.parse(testdata("openai-clip-vit-base-patch32.config.json"));
    raw.text_config_dict = { hidden_size: 768, num_attention_heads: 12, intermediate_size: 3072 };
    raw.vision_config_dict = { hidden_size: 1024, num_hidden_layers: 24, patch_size: 14 };
    raw.vision_config.num_attention_heads = 16;
    const config = parseClipConfig(raw);
    expect(config.text_config.hidden_size).toBe(768);
    expect(config.text_config.num_attention_heads).toBe(12);
    expect(config.text_config.eos_token_id).toBe(2); // kept from text_config
    expect(config.vision_config.num_hidden_layers).toBe(24);
    expect(config.vision_config.patch_size).toBe(14);
    expect("text_config_dict" in config).toBe(false);
    expect(parseClipConfig({ text_config: null }).text_config.hidden_size).toBe(512);
  });

  it("reads a TinyCLIP-style config: sparse sub-configs get HF's defaults; 23,446,017 parameters", () => {
    const config = parseClipConfig(testdata("tinyclip-vit-8m-16-text-3m.config.json"));
    expect(config.text_config.hidden_act).toBe("gelu");
    expect(config.text_config.max_position_embeddings).toBe(77);
    expect(config.text_config.vocab_size).toBe(49408);
    expect(config.text_config.layer_norm_eps).toBe(1e-5);
    expect(config.vision_config.image_size).toBe(224);
    expect(config.vision_config.num_hidden_layers).toBe(10);
    // text: embeddings 12,648,448 + 19,712, 3 layers of 789,760, final LN 512 = 15,037,952;
    // vision: class 256, patches 196,608, positions 197 x 256, LNs 1,024, 10 layers of 789,760 = 8,145,920;
    // projections 2 x 512 x 256; logit scale 1.
    expect(parameterCount(config)).toBe(15_037_952 + 8_145_920 + 262_144 + 1);
  });

  it("an OpenAI-style config (eos 2, pad 1) gives the fixture's text features unchanged", async () => {
    const files = readFolder(TINY_CLIP_DIR);
    const reference = await loadClip(files);
    const config = JSON.parse(new TextDecoder().decode(files.get("config.json")));
    Object.assign(config.text_config, { eos_token_id: 2, bos_token_id: 0, pad_token_id: 1 });
    const legacy = await loadClip(
      new Map([...files, ["config.json", new TextEncoder().encode(JSON.stringify(config))]]),
    );
    const texts = ["a red cube", "two blue spheres left of a green cube"];
    const a = encodeText(reference, texts);
    const b = encodeText(legacy, texts);
    expect(maxAbsDiff(await a.data(), await b.data())).toBeLessThan(1e-6);
    tf.dispose([a, b]);
  });

  for (const dtype of ["F16", "BF16"] as const) {
    it(`loads ${dtype} weights: every weight rounded to ${dtype}, features close to F32's`, async () => {
      const files = readFolder(TINY_CLIP_DIR);
      const file = halfCheckpoint(files.get("model.safetensors")!, dtype);
      const half = await loadClip(new Map([...files, ["model.safetensors", file]]));
      const full = await loadClip(files);
      let differs = 0;
      let worst = 0;
      // Rounded to 11 (F16) or 8 (BF16) significant bits, never further (6e-8: F16's subnormal step).
      const bitsLost = dtype === "F16" ? 2 ** -11 : 2 ** -8;
      for (const [name, t] of half.params) {
        const h = (await t.data()) as Float32Array;
        const f = (await full.params.get(name)!.data()) as Float32Array;
        for (let i = 0; i < h.length; i++) {
          if (h[i] !== f[i]) differs += 1;
          worst = Math.max(worst, Math.abs(h[i] - f[i]) - (Math.abs(f[i]) * bitsLost + 6e-8));
        }
      }
      expect(worst).toBeLessThanOrEqual(0);
      expect(differs).toBeGreaterThan(1000);
      const texts = ["a red cube"];
      const a = encodeText(half, texts);
      const b = encodeText(full, texts);
      expect(maxAbsDiff(await a.data(), await b.data())).toBeLessThan(dtype === "F16" ? 5e-3 : 5e-2);
      tf.dispose([a, b]);
    });
  }
});
