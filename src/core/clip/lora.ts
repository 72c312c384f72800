import * as tf from "@tensorflow/tfjs";
import type { ClipConfig } from "./config.js";
import type { ClipParams } from "./model.js";
import { linear, transposedProduct } from "./ops.js";
import { createRng, deriveSeed } from "./random.js";
import type { HostTensor } from "./weights.js";

/**
 * LoRA (Hu et al., 2021): a frozen Linear W [out, in] plus a trainable low-rank update,
 * y = x W^T + b + (alpha / r) (x A^T) B^T with A [r, in] and B [out, r]. Adapters live in the
 * params map under non-HF names (`<linear>.lora_A`, `<linear>.lora_B` and one scalar
 * `lora_scaling` = alpha / r); the model uses them wherever they exist (model.ts `dense`),
 * and an export merges them: W' = W + (alpha / r) B A.
 */

/** The adapted Linears of every encoder layer (PEFT's names: q, k, v, out and both MLP layers). */
export const LORA_TARGETS = [
  "self_attn.q_proj",
  "self_attn.k_proj",
  "self_attn.v_proj",
  "self_attn.out_proj",
  "mlp.fc1",
  "mlp.fc2",
] as const;

export const LORA_SCALING = "lora_scaling";
const A_SUFFIX = ".lora_A";
const B_SUFFIX = ".lora_B";

export interface LoraOptions {
  rank: number;
  alpha: number;
}

/** A LoRA factor (what trains); the scaling constant is not one. */
export function isLoraFactor(name: string): boolean {
  return name.endsWith(A_SUFFIX) || name.endsWith(B_SUFFIX);
}

export function isLoraParameter(name: string): boolean {
  return name === LORA_SCALING || isLoraFactor(name);
}

export function hasLora(params: ClipParams): boolean {
  return params.has(LORA_SCALING);
}

/** Every adapted Linear by HF prefix (without `.weight`), with its [out, in]. */
export function loraLinears(config: ClipConfig): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  const towers = [
    ["text_model", config.text_config],
    ["vision_model", config.vision_config],
  ] as const;
  for (const [prefix, c] of towers) {
    const width = c.hidden_size;
    for (let layer = 0; layer < c.num_hidden_layers; layer++) {
      for (const target of LORA_TARGETS) {
        const shape: [number, number] =
          target === "mlp.fc1"
            ? [c.intermediate_size, width]
            : target === "mlp.fc2"
              ? [width, c.intermediate_size]
              : [width, width];
        out.set(`${prefix}.encoder.layers.${layer}.${target}`, shape);
      }
    }
  }
  return out;
}

/** Parameters LoRA of this rank adds: r (in + out) per adapted Linear. */
export function loraParameterCount(config: ClipConfig, rank: number): number {
  let total = 0;
  for (const [outDim, inDim] of loraLinears(config).values()) total += rank * (inDim + outDim);
  return total;
}

function checkOptions({ rank, alpha }: LoraOptions): void {
  if (!Number.isInteger(rank) || rank < 1)
    throw new Error(`LoRA rank must be a positive integer, got ${rank}`);
  if (!(alpha > 0)) throw new Error(`LoRA alpha must be positive, got ${alpha}`);
}

/**
 * Fresh adapters as PEFT initialises them: A ~ U(-1/sqrt(in), 1/sqrt(in)) (kaiming_uniform
 * with a = sqrt(5)), B = 0, so the adapted model starts exactly equal to the base.
 * Deterministic in `seed`, one stream per factor.
 */
export function initLora(config: ClipConfig, options: LoraOptions, seed: number): Map<string, HostTensor> {
  checkOptions(options);
  const { rank, alpha } = options;
  const out = new Map<string, HostTensor>();
  for (const [name, [outDim, inDim]] of loraLinears(config)) {
    const a = new Float32Array(rank * inDim);
    const rng = createRng(deriveSeed(seed, `${name}${A_SUFFIX}`));
    const bound = 1 / Math.sqrt(inDim);
    for (let i = 0; i < a.length; i++) a[i] = (2 * rng.next() - 1) * bound;
    out.set(`${name}${A_SUFFIX}`, { shape: [rank, inDim], data: a });
    out.set(`${name}${B_SUFFIX}`, { shape: [outDim, rank], data: new Float32Array(outDim * rank) });
  }
  out.set(LORA_SCALING, { shape: [], data: Float32Array.of(alpha / rank) });
  return out;
}

/** Adds fresh adapters to the map as variables (factors trainable, the scaling not). */
export function addLora(params: ClipParams, config: ClipConfig, options: LoraOptions, seed: number): void {
  if (hasLora(params)) throw new Error("the model already has LoRA adapters: merge them first");
  for (const [name, t] of initLora(config, options, seed)) {
    const initial = tf.tensor(t.data, t.shape, "float32");
    params.set(name, tf.variable(initial, name !== LORA_SCALING));
    initial.dispose();
  }
}

/** W + scaling * B A for one adapted Linear (a new tensor). */
function mergedWeight(params: ClipParams, prefix: string): tf.Tensor {
  return tf.tidy(() =>
    tf.add(
      params.get(`${prefix}.weight`)!,
      tf.mul(
        params.get(LORA_SCALING)!,
        tf.matMul(params.get(`${prefix}${B_SUFFIX}`)!, params.get(`${prefix}${A_SUFFIX}`)!),
      ),
    ),
  );
}

function adaptedPrefixes(params: ClipParams): string[] {
  return [...params.keys()].filter((n) => n.endsWith(A_SUFFIX)).map((n) => n.slice(0, -A_SUFFIX.length));
}

/**
 * A map with HF names only and the adapters merged into their weights. Merged weights are
 * new tensors (listed in `created`, for the caller to dispose); every other entry is the
 * caller's own tensor.
 */
export function mergeLora(params: ClipParams): { params: ClipParams; created: tf.Tensor[] } {
  const merged: ClipParams = new Map();
  const created: tf.Tensor[] = [];
  const replaced = new Map<string, tf.Tensor>();
  if (hasLora(params)) {
    for (const prefix of adaptedPrefixes(params)) {
      const w = mergedWeight(params, prefix);
      replaced.set(`${prefix}.weight`, w);
      created.push(w);
    }
  }
  for (const [name, t] of params) {
    if (!isLoraParameter(name)) merged.set(name, replaced.get(name) ?? t);
  }
  return { params: merged, created };
}

/**
 * Folds the adapters into the weights of this map (variables are assigned, others replaced)
 * and removes them: what a new run does before it adds fresh adapters or trains in full.
 */
export function mergeLoraInPlace(params: ClipParams): void {
  if (!hasLora(params)) return;
  for (const prefix of adaptedPrefixes(params)) {
    const name = `${prefix}.weight`;
    const w = mergedWeight(params, prefix);
    const current = params.get(name)!;
    if (current instanceof tf.Variable) {
      current.assign(w);
      w.dispose();
    } else {
      current.dispose();
      params.set(name, w);
    }
  }
  for (const name of [...params.keys()]) {
    if (isLoraParameter(name)) {
      params.get(name)!.dispose();
      params.delete(name);
    }
  }
}

type CustomGradientFunc = Parameters<typeof tf.customGrad<tf.Tensor>>[0];

/**
 * y = x W^T + b + s (x A^T) B^T as one op with its own gradient: W, b and s are held fixed
 * (under LoRA the base weights never train), so no weight-sized dW is formed, and only x and
 * the rank-r product x A^T are kept for the backward pass (tfjs autodiff over the same
 * expression kept three more activation-sized tensors per Linear: +26 % step memory).
 * Products use explicit transposes, as `linear` does (see ops.ts).
 */
function loraProduct(w: tf.Tensor2D, bias: tf.Tensor, scaling: tf.Tensor): CustomGradientFunc {
  return ((x: tf.Tensor2D, a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const xa = tf.mul(tf.matMul(x, tf.transpose(a)), scaling) as tf.Tensor2D; // [M, r], scaled
    save([x, xa]);
    return {
      value: tf.add(tf.add(tf.matMul(x, tf.transpose(w)), bias), tf.matMul(xa, tf.transpose(b))),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, xas] = saved as tf.Tensor2D[];
        const dy2 = dy as tf.Tensor2D;
        const dxa = tf.mul(tf.matMul(dy2, b), scaling) as tf.Tensor2D; // [M, r]
        return [
          tf.add(tf.matMul(dy2, w), tf.matMul(dxa, a)),
          transposedProduct(dxa, xs),
          transposedProduct(dy2, xas),
        ];
      },
    };
  }) as unknown as CustomGradientFunc;
}

/**
 * The Linear `prefix` (HF name without `.weight`) applied to x, with its LoRA update when the
 * map holds adapters for it. The model's attention and MLP call this for every projection.
 */
export function adaptedLinear(p: ClipParams, prefix: string, x: tf.Tensor): tf.Tensor {
  const w = p.get(`${prefix}.weight`) as tf.Tensor2D | undefined;
  const bias = p.get(`${prefix}.bias`);
  if (!w || !bias) throw new Error(`missing parameter ${prefix}.${w ? "bias" : "weight"}`);
  const a = p.get(`${prefix}${A_SUFFIX}`);
  if (!a) return linear(x, w, bias);
  const [outDim, inDim] = w.shape;
  const product = tf.customGrad(loraProduct(w, bias, p.get(LORA_SCALING)!)) as unknown as (
    ...inputs: tf.Tensor[]
  ) => tf.Tensor;
  const y = product(x.reshape([-1, inDim]), a, p.get(`${prefix}${B_SUFFIX}`)!);
  return y.reshape([...x.shape.slice(0, -1), outDim]);
}
