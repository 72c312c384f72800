import { z } from "zod";

/**
 * Hugging Face `CLIPConfig`, field for field (snake_case as in config.json), so a
 * checkpoint's config.json parses directly and writes back unchanged.
 */
const activation = z.enum(["quick_gelu", "gelu", "gelu_new", "gelu_pytorch_tanh", "relu"]);
export type Activation = z.infer<typeof activation>;

const positiveInt = z.number().int().positive();
/** Far above any CLIP (ViT-bigG has 48); a hostile count would make the weight check loop for ever. */
export const MAX_LAYERS = 1024;
const layerCount = positiveInt.max(MAX_LAYERS);

const textConfigSchema = z.looseObject({
  vocab_size: positiveInt.default(49408),
  hidden_size: positiveInt.default(512),
  intermediate_size: positiveInt.default(2048),
  projection_dim: positiveInt.default(512),
  num_hidden_layers: layerCount.default(12),
  num_attention_heads: positiveInt.default(8),
  max_position_embeddings: positiveInt.default(77),
  hidden_act: activation.default("quick_gelu"),
  layer_norm_eps: z.number().positive().default(1e-5),
  pad_token_id: z.number().int().default(1),
  bos_token_id: z.number().int().default(49406),
  eos_token_id: z.number().int().default(49407),
});

const visionConfigSchema = z.looseObject({
  hidden_size: positiveInt.default(768),
  intermediate_size: positiveInt.default(3072),
  projection_dim: positiveInt.default(512),
  num_hidden_layers: layerCount.default(12),
  num_attention_heads: positiveInt.default(12),
  num_channels: z.literal(3).default(3),
  image_size: positiveInt.default(224),
  patch_size: positiveInt.default(32),
  hidden_act: activation.default("quick_gelu"),
  layer_norm_eps: z.number().positive().default(1e-5),
});

const clipConfigSchema = z
  .looseObject({
    model_type: z.string().optional(),
    projection_dim: positiveInt.default(512),
    logit_scale_init_value: z.number().default(2.6592),
    text_config: textConfigSchema.default(textConfigSchema.parse({})),
    vision_config: visionConfigSchema.default(visionConfigSchema.parse({})),
  })
  .superRefine((c, ctx) => {
    const checks: [string, number, number][] = [
      ["text_config", c.text_config.hidden_size, c.text_config.num_attention_heads],
      ["vision_config", c.vision_config.hidden_size, c.vision_config.num_attention_heads],
    ];
    for (const [tower, width, heads] of checks) {
      if (width % heads !== 0) {
        ctx.addIssue({
          code: "custom",
          path: [tower, "num_attention_heads"],
          message: `hidden_size ${width} is not divisible by num_attention_heads ${heads}`,
        });
      }
    }
    const v = c.vision_config;
    if (v.image_size % v.patch_size !== 0) {
      ctx.addIssue({
        code: "custom",
        path: ["vision_config", "patch_size"],
        message: `image_size ${v.image_size} is not divisible by patch_size ${v.patch_size}`,
      });
    }
  });

export type ClipConfig = z.infer<typeof clipConfigSchema>;
export type TextConfig = ClipConfig["text_config"];
export type VisionConfig = ClipConfig["vision_config"];

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Legacy sub-configs, as HF's CLIPConfig reads them: old checkpoints (e.g. Stable Diffusion's
 * safety checker) carry `text_config_dict`/`vision_config_dict` whose values override
 * `text_config`/`vision_config`; a null sub-config means the defaults.
 */
function withLegacySubConfigs(raw: unknown): unknown {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const record: Record<string, unknown> = { ...raw };
  for (const tower of ["text", "vision"]) {
    const key = `${tower}_config`;
    const legacy = record[`${key}_dict`];
    if (record[key] === null) delete record[key];
    if (legacy && typeof legacy === "object" && !Array.isArray(legacy)) {
      const current = record[key];
      record[key] = { ...(current && typeof current === "object" ? current : {}), ...legacy };
      delete record[`${key}_dict`];
    }
  }
  return record;
}

/** Parses a config.json object (or its text); the error names the first bad field. */
export function parseClipConfig(input: unknown): ClipConfig {
  let raw = input;
  if (typeof input === "string") {
    try {
      raw = JSON.parse(input);
    } catch (e) {
      throw new ConfigError(`config.json is not valid JSON: ${(e as Error).message}`);
    }
  }
  const result = clipConfigSchema.safeParse(withLegacySubConfigs(raw));
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.join(".") || "(root)";
    throw new ConfigError(`config.json: field "${field}": ${issue.message}`);
  }
  return result.data;
}

/** Number of patches along one side and in total. */
export function patchGrid(v: VisionConfig): { side: number; count: number } {
  const side = v.image_size / v.patch_size;
  return { side, count: side * side };
}
