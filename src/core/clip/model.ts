import * as tf from "@tensorflow/tfjs";
import type { Activation, ClipConfig, TextConfig, VisionConfig } from "./config.js";
import { fusedKernelsActive } from "./kernels/index.js";
import { adaptedLinear, hasLora } from "./lora.js";
import {
  activate,
  attentionHeads,
  causalMask,
  dense,
  denseParts,
  embedTokens,
  gatherRows,
  l2Normalize,
  layerNorm,
  layerNormAndResidual,
  linear,
  multiHeadAttention,
  withClassToken,
} from "./ops.js";

/**
 * CLIP's forward pass, functional and numerically the same as Hugging Face's `CLIPModel`.
 * Parameters live in a map keyed by HF names; reads top to bottom: attention, MLP, layer,
 * encoder, text tower, vision tower, CLIP.
 */
export type ClipParams = Map<string, tf.Tensor>;

function param<T extends tf.Tensor>(p: ClipParams, name: string): T {
  const t = p.get(name);
  if (!t) throw new Error(`missing parameter ${name}`);
  return t as T;
}

interface EncoderShape {
  width: number;
  heads: number;
  layers: number;
  act: Activation;
  eps: number;
}

/** Multi-head self-attention; `additiveMask` ([L, L], 0 or -1e9) makes the text tower causal. */
function attention(p: ClipParams, prefix: string, x: tf.Tensor3D, s: EncoderShape, additiveMask?: tf.Tensor) {
  // adaptedLinear: the HF Linear, plus its LoRA update where the map holds adapters (lora.ts).
  const project = (name: string) => adaptedLinear(p, `${prefix}.${name}`, x);
  const merged = attentionHeads(
    project("q_proj"),
    project("k_proj"),
    project("v_proj"),
    s.heads,
    additiveMask,
  );
  return adaptedLinear(p, `${prefix}.out_proj`, merged);
}

function mlp(p: ClipParams, prefix: string, x: tf.Tensor, act: Activation) {
  const hidden = activate(adaptedLinear(p, `${prefix}.fc1`, x), act);
  return adaptedLinear(p, `${prefix}.fc2`, hidden);
}

function norm(p: ClipParams, prefix: string, x: tf.Tensor, eps: number) {
  return layerNorm(x, param(p, `${prefix}.weight`), param(p, `${prefix}.bias`), eps);
}

/** Pre-norm transformer layer, as HF's CLIPEncoderLayer. */
function encoderLayer(p: ClipParams, prefix: string, x: tf.Tensor3D, s: EncoderShape, mask?: tf.Tensor) {
  const attended = tf.add(
    x,
    attention(p, `${prefix}.self_attn`, norm(p, `${prefix}.layer_norm1`, x, s.eps) as tf.Tensor3D, s, mask),
  );
  return tf.add(
    attended,
    mlp(p, `${prefix}.mlp`, norm(p, `${prefix}.layer_norm2`, attended, s.eps), s.act),
  ) as tf.Tensor3D;
}

/**
 * The same layer on the fused WebGPU kernels (kernels/): LayerNorms, q/k/v as one product,
 * attention, and dense layers with bias, activation and residual in their epilogues.
 */
function fusedEncoderLayer(p: ClipParams, prefix: string, x: tf.Tensor3D, s: EncoderShape, causal: boolean) {
  const w = (name: string) => param(p, `${prefix}.${name}`);
  // Each LayerNorm also hands its input on as the residual (its gradient is added in the same dispatch).
  const [normed1, residual1] = layerNormAndResidual(x, w("layer_norm1.weight"), w("layer_norm1.bias"), s.eps);
  const qkv = denseParts(
    normed1,
    ["q_proj", "k_proj", "v_proj"].map((n) => w(`self_attn.${n}.weight`)),
    ["q_proj", "k_proj", "v_proj"].map((n) => w(`self_attn.${n}.bias`)),
  ) as tf.Tensor3D;
  const context = multiHeadAttention(qkv, s.heads, causal);
  const attended = dense(context, w("self_attn.out_proj.weight"), w("self_attn.out_proj.bias"), {
    residual: residual1,
  });
  const [normed2, residual2] = layerNormAndResidual(
    attended,
    w("layer_norm2.weight"),
    w("layer_norm2.bias"),
    s.eps,
  );
  const hidden = dense(normed2, w("mlp.fc1.weight"), w("mlp.fc1.bias"), { activation: s.act });
  return dense(hidden, w("mlp.fc2.weight"), w("mlp.fc2.bias"), { residual: residual2 }) as tf.Tensor3D;
}

/** `causal`: the text tower's causal self-attention. */
function encoder(p: ClipParams, prefix: string, x: tf.Tensor3D, s: EncoderShape, causal: boolean) {
  // LoRA adapters take the plain layers (their products have their own gradient, lora.ts).
  const fused = fusedKernelsActive() && !hasLora(p);
  const mask = causal && !fused ? causalMask(x.shape[1]) : undefined;
  let h = x;
  for (let i = 0; i < s.layers; i++) {
    const layer = `${prefix}.layers.${i}`;
    h = fused ? fusedEncoderLayer(p, layer, h, s, causal) : encoderLayer(p, layer, h, s, mask);
  }
  return h;
}

function encoderShape(c: TextConfig | VisionConfig): EncoderShape {
  return {
    width: c.hidden_size,
    heads: c.num_attention_heads,
    layers: c.num_hidden_layers,
    act: c.hidden_act,
    eps: c.layer_norm_eps,
  };
}

export interface TowerOutput {
  /** Pooled and projected features (HF `text_embeds`/`image_embeds` before normalisation). */
  features: tf.Tensor2D;
  /**
   * Every token after the final LayerNorm and projection, not normalised: [B, L, D].
   * Computed on request: most objectives never use it.
   */
  tokens: () => tf.Tensor3D;
}

export interface TokenBatch {
  /** Row-major [batch, length] token ids, already padded. */
  ids: Int32Array;
  batch: number;
  length: number;
}

/**
 * Position of the pooled (end-of-text) token in each row. Legacy OpenAI configs say
 * `eos_token_id == 2`, where HF takes the argmax of the ids (the end-of-text id is the
 * largest); otherwise the first position equal to `eos_token_id`.
 */
export function poolingPositions(tokens: TokenBatch, eosTokenId: number): Int32Array {
  const out = new Int32Array(tokens.batch);
  for (let b = 0; b < tokens.batch; b++) {
    const row = tokens.ids.subarray(b * tokens.length, (b + 1) * tokens.length);
    let pos = eosTokenId === 2 ? 0 : row.length - 1;
    if (eosTokenId === 2) {
      for (let i = 1; i < row.length; i++) if (row[i] > row[pos]) pos = i;
    } else {
      const first = row.indexOf(eosTokenId);
      if (first >= 0) pos = first;
    }
    out[b] = pos;
  }
  return out;
}

/**
 * The rows cut after the batch's last pooled position. Under the causal mask no position
 * sees a later one, so the trailing padding changes nothing that is kept; dropping it saves
 * its share of every text product (batches of shapes-world captions: 24 -> ~20 columns).
 */
export function trimTrailingPadding(tokens: TokenBatch, pooledIndex: Int32Array): TokenBatch {
  let length = 1;
  for (const pos of pooledIndex) length = Math.max(length, pos + 1);
  if (length >= tokens.length) return tokens;
  const ids = new Int32Array(tokens.batch * length);
  for (let b = 0; b < tokens.batch; b++)
    ids.set(tokens.ids.subarray(b * tokens.length, b * tokens.length + length), b * length);
  return { ids, batch: tokens.batch, length };
}

/**
 * Text tower. Only the causal mask is applied: padding follows end-of-text, so it never
 * reaches the pooled token or any real token (HF's padding mask changes only pad outputs),
 * and padding after the batch's longest text is not computed at all (`tokens()` has the
 * trimmed length).
 */
export function encodeTextTokens(p: ClipParams, config: ClipConfig, padded: TokenBatch): TowerOutput {
  const c = config.text_config;
  if (padded.length > c.max_position_embeddings) {
    throw new Error(
      `text length ${padded.length} exceeds max_position_embeddings ${c.max_position_embeddings}`,
    );
  }
  const pooledIndex = poolingPositions(padded, c.eos_token_id);
  const tokens = trimTrailingPadding(padded, pooledIndex);
  const x = embedTokens(
    param(p, "text_model.embeddings.token_embedding.weight"),
    param(p, "text_model.embeddings.position_embedding.weight"),
    tokens.ids,
    tokens.batch,
    tokens.length,
  );
  const h = encoder(p, "text_model.encoder", x, encoderShape(c), true);
  const last = norm(p, "text_model.final_layer_norm", h, c.layer_norm_eps) as tf.Tensor3D;
  const projection = param<tf.Tensor2D>(p, "text_projection.weight");
  const flatIndex = Int32Array.from(pooledIndex, (pos, b) => b * tokens.length + pos);
  const flat = last.reshape([tokens.batch * tokens.length, c.hidden_size]) as tf.Tensor2D;
  const pooled = gatherRows(flat, flatIndex, [tokens.batch]);
  return {
    features: linear(pooled, projection) as tf.Tensor2D,
    tokens: () => linear(last, projection) as tf.Tensor3D,
  };
}

/**
 * Patch embedding as a product: the stride-p, bias-free convolution equals flattening
 * each p x p patch (channel, row, column order, as the kernel is laid out) and
 * multiplying by the kernel reshaped to [width, 3 p p].
 */
export function patchify(pixels: tf.Tensor4D, patch: number): tf.Tensor3D {
  const [batch, channels, height, width] = pixels.shape;
  const rows = height / patch;
  const cols = width / patch;
  return pixels
    .reshape([batch, channels, rows, patch, cols, patch])
    .transpose([0, 2, 4, 1, 3, 5])
    .reshape([batch, rows * cols, channels * patch * patch]);
}

/**
 * The same patch layout computed on the host, for training batches: the 6-D transpose is
 * one of the slowest wasm kernels (24 ms of a 0.8 s step), and pixels need no gradient.
 */
export function patchifyHost(pixels: Float32Array, batch: number, size: number, patch: number): Float32Array {
  const side = size / patch;
  const patchLength = 3 * patch * patch;
  const out = new Float32Array(pixels.length);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let row = 0; row < side; row++) {
      for (let col = 0; col < side; col++) {
        for (let c = 0; c < 3; c++) {
          for (let y = 0; y < patch; y++) {
            const start = ((b * 3 + c) * size + row * patch + y) * size + col * patch;
            out.set(pixels.subarray(start, start + patch), o);
            o += patch;
          }
        }
      }
    }
  }
  if (o !== batch * side * side * patchLength)
    throw new Error("patchifyHost: size is not a multiple of patch");
  return out;
}

/** Vision tower on NCHW pixel values (HF `pixel_values`). */
export function encodeImagePixels(p: ClipParams, config: ClipConfig, pixels: tf.Tensor4D): TowerOutput {
  const c = config.vision_config;
  if (pixels.shape[2] !== c.image_size || pixels.shape[3] !== c.image_size) {
    throw new Error(
      `pixel values are ${pixels.shape[2]}x${pixels.shape[3]}, the model expects ${c.image_size}x${c.image_size}`,
    );
  }
  return encodeImagePatches(p, config, patchify(pixels, c.patch_size));
}

/** Vision tower on flattened patches [B, P, 3 p p] (see `patchify`). */
export function encodeImagePatches(p: ClipParams, config: ClipConfig, patchValues: tf.Tensor3D): TowerOutput {
  return encodeVisionTokens(p, config, embedImagePatches(p, config, patchValues));
}

/**
 * The tokens entering the first vision transformer layer, [B, 1 + P, width]: patch
 * embedding, class token, positions and the pre-LayerNorm. Split from the rest of the tower
 * so image-side negatives can edit patch tokens (../train/imageNegatives.ts).
 */
export function embedImagePatches(p: ClipParams, config: ClipConfig, patchValues: tf.Tensor3D): tf.Tensor3D {
  const c = config.vision_config;
  const kernel = param<tf.Tensor4D>(p, "vision_model.embeddings.patch_embedding.weight");
  const patches = linear(patchValues, kernel.reshape([c.hidden_size, -1]) as tf.Tensor2D) as tf.Tensor3D;
  const embedded = withClassToken(
    patches,
    param(p, "vision_model.embeddings.class_embedding"),
    param(p, "vision_model.embeddings.position_embedding.weight"),
  );
  return norm(p, "vision_model.pre_layrnorm", embedded, c.layer_norm_eps) as tf.Tensor3D;
}

/** The rest of the vision tower (encoder, post-LayerNorm, projection) on `embedImagePatches`' tokens. */
export function encodeVisionTokens(p: ClipParams, config: ClipConfig, x: tf.Tensor3D): TowerOutput {
  const c = config.vision_config;
  const batch = x.shape[0];
  const h = encoder(p, "vision_model.encoder", x, encoderShape(c), false);
  const normed = norm(p, "vision_model.post_layernorm", h, c.layer_norm_eps) as tf.Tensor3D;
  const projection = param<tf.Tensor2D>(p, "visual_projection.weight");
  const pooled = tf.squeeze(tf.slice(normed, [0, 0, 0], [batch, 1, c.hidden_size]), [1]);
  return {
    features: linear(pooled, projection) as tf.Tensor2D,
    tokens: () => linear(tf.slice(normed, [0, 1, 0], [batch, -1, c.hidden_size]), projection) as tf.Tensor3D,
  };
}

/** HF `logits_per_image`: exp(logit_scale) * normalised image @ normalised text^T. */
export function clipLogits(
  p: ClipParams,
  imageFeatures: tf.Tensor2D,
  textFeatures: tf.Tensor2D,
): tf.Tensor2D {
  const scale = tf.exp(param(p, "logit_scale"));
  const sims = tf.matMul(
    l2Normalize(imageFeatures) as tf.Tensor2D,
    l2Normalize(textFeatures) as tf.Tensor2D,
    false,
    true,
  );
  return tf.mul(scale, sims) as tf.Tensor2D;
}
