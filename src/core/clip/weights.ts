import { type ClipConfig, patchGrid } from "./config.js";
import { createRng, deriveSeed } from "./random.js";

/**
 * The parameters of Hugging Face's `CLIPModel`: names and shapes exactly as in its state dict
 * (Linear weights are [out, in]), checks of a loaded checkpoint against them, and HF-style
 * initialisation for training from scratch. Plain Float32Arrays; the model code makes tensors.
 */

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

export class WeightsError extends Error {
  override name = "WeightsError";
}

interface Tower {
  prefix: "text_model" | "vision_model";
  width: number;
  intermediate: number;
  layers: number;
}

function towers(config: ClipConfig): { text: Tower; vision: Tower } {
  const t = config.text_config;
  const v = config.vision_config;
  return {
    text: {
      prefix: "text_model",
      width: t.hidden_size,
      intermediate: t.intermediate_size,
      layers: t.num_hidden_layers,
    },
    vision: {
      prefix: "vision_model",
      width: v.hidden_size,
      intermediate: v.intermediate_size,
      layers: v.num_hidden_layers,
    },
  };
}

/** One encoder layer's parameters, in HF's module order. */
function layerShapes(tower: Tower, index: number): [string, number[]][] {
  const p = `${tower.prefix}.encoder.layers.${index}`;
  const { width, intermediate } = tower;
  const shapes: [string, number[]][] = [];
  for (const proj of ["k_proj", "v_proj", "q_proj", "out_proj"]) {
    shapes.push([`${p}.self_attn.${proj}.weight`, [width, width]], [`${p}.self_attn.${proj}.bias`, [width]]);
  }
  shapes.push(
    [`${p}.layer_norm1.weight`, [width]],
    [`${p}.layer_norm1.bias`, [width]],
    [`${p}.mlp.fc1.weight`, [intermediate, width]],
    [`${p}.mlp.fc1.bias`, [intermediate]],
    [`${p}.mlp.fc2.weight`, [width, intermediate]],
    [`${p}.mlp.fc2.bias`, [width]],
    [`${p}.layer_norm2.weight`, [width]],
    [`${p}.layer_norm2.bias`, [width]],
  );
  return shapes;
}

function encoderShapes(tower: Tower): [string, number[]][] {
  return Array.from({ length: tower.layers }, (_, i) => layerShapes(tower, i)).flat();
}

/** Every parameter of HF `CLIPModel` (buffers such as position_ids excluded), in HF's order. */
export function expectedParameterShapes(config: ClipConfig): Map<string, number[]> {
  const { text, vision } = towers(config);
  const t = config.text_config;
  const v = config.vision_config;
  const patches = patchGrid(v).count;
  return new Map<string, number[]>([
    ["text_model.embeddings.token_embedding.weight", [t.vocab_size, text.width]],
    ["text_model.embeddings.position_embedding.weight", [t.max_position_embeddings, text.width]],
    ...encoderShapes(text),
    ["text_model.final_layer_norm.weight", [text.width]],
    ["text_model.final_layer_norm.bias", [text.width]],
    ["vision_model.embeddings.class_embedding", [vision.width]],
    [
      "vision_model.embeddings.patch_embedding.weight",
      [vision.width, v.num_channels, v.patch_size, v.patch_size],
    ],
    ["vision_model.embeddings.position_embedding.weight", [patches + 1, vision.width]],
    ["vision_model.pre_layrnorm.weight", [vision.width]], // sic: HF's spelling
    ["vision_model.pre_layrnorm.bias", [vision.width]],
    ...encoderShapes(vision),
    ["vision_model.post_layernorm.weight", [vision.width]],
    ["vision_model.post_layernorm.bias", [vision.width]],
    ["visual_projection.weight", [config.projection_dim, vision.width]],
    ["text_projection.weight", [config.projection_dim, text.width]],
    ["logit_scale", []],
  ]);
}

function elementCount(shape: number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

export function parameterCount(config: ClipConfig): number {
  let total = 0;
  for (const shape of expectedParameterShapes(config).values()) total += elementCount(shape);
  return total;
}

export interface WeightsCheck {
  missing: string[];
  mismatched: { name: string; expected: number[]; actual: number[] }[];
  unknown: string[];
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function checkWeights(config: ClipConfig, tensors: Map<string, { shape: number[] }>): WeightsCheck {
  const expected = expectedParameterShapes(config);
  const result: WeightsCheck = { missing: [], mismatched: [], unknown: [] };
  for (const [name, shape] of expected) {
    const tensor = tensors.get(name);
    if (!tensor) result.missing.push(name);
    else if (!sameShape(tensor.shape, shape)) {
      result.mismatched.push({ name, expected: shape, actual: [...tensor.shape] });
    }
  }
  for (const name of tensors.keys()) if (!expected.has(name)) result.unknown.push(name);
  return result;
}

const showShape = (shape: number[]) => `[${shape.join(",")}]`;

/**
 * Throws a WeightsError for the first missing or misshapen parameter; extra tensors are not
 * fatal (checkpoints may carry buffers) and come back as warnings and in `unknown`.
 */
export function validateWeights(
  config: ClipConfig,
  tensors: Map<string, { shape: number[] }>,
): { warnings: string[]; unknown: string[] } {
  const { missing, mismatched, unknown } = checkWeights(config, tensors);
  if (missing.length > 0) {
    const more = missing.length > 1 ? ` (and ${missing.length - 1} more)` : "";
    throw new WeightsError(`missing parameter ${missing[0]}${more}`);
  }
  if (mismatched.length > 0) {
    const { name, expected, actual } = mismatched[0];
    const more = mismatched.length > 1 ? ` (and ${mismatched.length - 1} more)` : "";
    throw new WeightsError(
      `parameter ${name} has shape ${showShape(actual)}, expected ${showShape(expected)}${more}`,
    );
  }
  return { warnings: unknown.map((name) => `unknown parameter ${name} ignored`), unknown };
}

/** An optional numeric config field that HF has but our schema does not list (kept by looseObject). */
function numberField(source: Record<string, unknown>, key: string, fallback: number): number {
  const value = source[key];
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

type Init = { kind: "normal"; std: number } | { kind: "fill"; value: number };

/** HF `CLIPPreTrainedModel._init_weights`, parameter by parameter. */
function initRule(config: ClipConfig, name: string): Init {
  const factor = numberField(config, "initializer_factor", 1);
  const isText = name.startsWith("text_model.");
  const tower = isText ? config.text_config : config.vision_config;
  const width = tower.hidden_size;
  const layers = tower.num_hidden_layers;
  const inProjStd = width ** -0.5 * (2 * layers) ** -0.5 * factor;
  const normal = (std: number): Init => ({ kind: "normal", std });

  if (name === "logit_scale") return { kind: "fill", value: config.logit_scale_init_value };
  if (name === "text_projection.weight") return normal(config.text_config.hidden_size ** -0.5 * factor);
  if (name === "visual_projection.weight") return normal(config.vision_config.hidden_size ** -0.5 * factor);
  if (name.startsWith("text_model.embeddings.")) return normal(0.02 * factor);
  if (name === "vision_model.embeddings.class_embedding") return normal(width ** -0.5 * factor);
  if (name.startsWith("vision_model.embeddings.")) {
    return normal(numberField(config.vision_config, "initializer_range", 0.02) * factor);
  }
  // LayerNorms (layer_norm1/2, final_layer_norm, pre_layrnorm, post_layernorm): weight 1, bias 0.
  if (/(layer_norm\d?|layrnorm|layernorm)\.weight$/.test(name)) return { kind: "fill", value: 1 };
  if (name.endsWith(".bias")) return { kind: "fill", value: 0 };
  if (name.endsWith("self_attn.out_proj.weight")) return normal(width ** -0.5 * factor);
  if (/self_attn\.[qkv]_proj\.weight$/.test(name)) return normal(inProjStd);
  if (name.endsWith("mlp.fc1.weight")) return normal((2 * width) ** -0.5 * factor);
  if (name.endsWith("mlp.fc2.weight")) return normal(inProjStd);
  throw new WeightsError(`no initialisation rule for parameter ${name}`);
}

/**
 * Fresh parameters for training from scratch, deterministic in `seed`. Each parameter draws
 * from its own stream (seeded by its name), so values do not depend on the order of the list.
 */
export function initParameters(config: ClipConfig, seed: number): Map<string, HostTensor> {
  const params = new Map<string, HostTensor>();
  for (const [name, shape] of expectedParameterShapes(config)) {
    const data = new Float32Array(elementCount(shape));
    const rule = initRule(config, name);
    if (rule.kind === "fill") data.fill(rule.value);
    else {
      const rng = createRng(deriveSeed(seed, name));
      for (let i = 0; i < data.length; i++) data[i] = rng.normal() * rule.std;
    }
    params.set(name, { shape, data });
  }
  return params;
}
