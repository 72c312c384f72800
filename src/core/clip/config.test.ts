import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseClipConfig, patchGrid } from "./config.js";
import { TINY_CLIP_DIR } from "./testing.js";

const fixtureConfig = () => JSON.parse(readFileSync(join(TINY_CLIP_DIR, "config.json"), "utf8"));

describe("parseClipConfig", () => {
  it("parses the HF fixture config field for field and keeps unknown fields", () => {
    const config = parseClipConfig(readFileSync(join(TINY_CLIP_DIR, "config.json"), "utf8"));
    expect(config.projection_dim).toBe(32);
    expect(config.text_config.hidden_size).toBe(64);
    expect(config.text_config.eos_token_id).toBe(663);
    expect(config.vision_config.patch_size).toBe(8);
    expect(config.vision_config.hidden_act).toBe("quick_gelu");
    expect((config as Record<string, unknown>).architectures).toEqual(["CLIPModel"]);
    expect(patchGrid(config.vision_config)).toEqual({ side: 4, count: 16 });
  });

  it("fills HF's defaults (ViT-B/32) for missing fields", () => {
    const config = parseClipConfig({});
    expect(config.text_config.max_position_embeddings).toBe(77);
    expect(config.vision_config.image_size).toBe(224);
    expect(config.vision_config.patch_size).toBe(32);
  });

  it("names the bad field in its error", () => {
    const bad = fixtureConfig();
    bad.vision_config.hidden_size = -4;
    expect(() => parseClipConfig(bad)).toThrow(/field "vision_config.hidden_size"/);
    const act = fixtureConfig();
    act.text_config.hidden_act = "swish";
    expect(() => parseClipConfig(act)).toThrow(/field "text_config.hidden_act"/);
    const heads = fixtureConfig();
    heads.text_config.num_attention_heads = 5;
    expect(() => parseClipConfig(heads)).toThrow(/text_config.num_attention_heads.*not divisible/);
    const patch = fixtureConfig();
    patch.vision_config.patch_size = 7;
    expect(() => parseClipConfig(patch)).toThrow(/vision_config.patch_size/);
    expect(() => parseClipConfig("{not json")).toThrow(ConfigError);
    expect(() => parseClipConfig("{not json")).toThrow(/not valid JSON/);
  });
});
