import type { ClipConfig } from "../../src/core/clip/config.js";

/**
 * Matmul FLOPs of one CE-CLIP training step, counted from the config as the code runs it
 * (src/core/clip/model.ts). One multiply-add (MAC) is 2 FLOPs.
 *
 * Per sequence of length L in a tower of width d, MLP width m, per layer:
 *   q, k, v, out projections   4 L d^2
 *   scores and context         2 L^2 d      (all heads together: h * L^2 * d/h each)
 *   MLP                        2 L d m
 * Vision: L = (S/p)^2 + 1; patch embedding (S/p)^2 * 3p^2 * d; pooled projection d P.
 * Text: L = max_position_embeddings (rows are padded to it); pooled projection d P.
 * Both towers also project every token (`tokens` output: (S/p)^2 d P and L d P MACs), which
 * the step computes but never differentiates: forward only.
 * A step encodes B images and B (1 + K) texts (captions + K typed negatives).
 *
 *   FLOPs = 2 * M_grad (forward) + 4 * M_grad (backward: for every product both the input
 *           and the weight gradient, each as large as the forward product) + 2 * M_tokens
 *
 * Not counted: the loss's similarity products (B^2 P + B^2 K P MACs, under 1 % here),
 * element-wise work (LayerNorm, softmax, GELU, AdamW) and gathers.
 */
export interface StepFlops {
  /** MACs on the differentiated path, per step. */
  gradMacs: number;
  /** MACs of the per-token projections (forward only), per step. */
  forwardOnlyMacs: number;
  forwardFlops: number;
  backwardFlops: number;
  totalFlops: number;
}

function layerMacs(length: number, width: number, mlpWidth: number): number {
  return 4 * length * width * width + 2 * length * length * width + 2 * length * width * mlpWidth;
}

export function trainingStepFlops(
  config: ClipConfig,
  batchSize: number,
  numNegativeTypes: number,
): StepFlops {
  const v = config.vision_config;
  const t = config.text_config;
  const proj = config.projection_dim;
  const patches = (v.image_size / v.patch_size) ** 2;
  const visionGrad =
    patches * 3 * v.patch_size ** 2 * v.hidden_size +
    v.num_hidden_layers * layerMacs(patches + 1, v.hidden_size, v.intermediate_size) +
    v.hidden_size * proj;
  const textLength = t.max_position_embeddings;
  const textGrad =
    t.num_hidden_layers * layerMacs(textLength, t.hidden_size, t.intermediate_size) + t.hidden_size * proj;
  const texts = batchSize * (1 + numNegativeTypes);
  const gradMacs = batchSize * visionGrad + texts * textGrad;
  const forwardOnlyMacs =
    batchSize * patches * v.hidden_size * proj + texts * textLength * t.hidden_size * proj;
  const forwardFlops = 2 * (gradMacs + forwardOnlyMacs);
  const backwardFlops = 4 * gradMacs;
  return { gradMacs, forwardOnlyMacs, forwardFlops, backwardFlops, totalFlops: forwardFlops + backwardFlops };
}
