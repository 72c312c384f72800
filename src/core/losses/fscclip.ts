import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { symmetricInfoNce } from "./clip.js";
import type { EmptyState, Objective, ObjectiveInputs, ObjectiveOutput } from "./objective.js";
import { selectiveCalibratedRegularization } from "./scr.js";
import {
  l2Normalize,
  normalizeFeatures,
  ownNegativeLogits,
  pairLogits,
  requireHardNegatives,
  validMaskOrOnes,
} from "./shared.js";
import { emptyStateMethods } from "./state.js";
import { localScores } from "./tokenScores.js";

/**
 * FSC-CLIP (Oh et al. 2024), exactly as docs/methods.md:
 * L = L_clip + w_global * scr(z_global, m) + w_local * scr(z_local, m).
 * Hard negatives stay out of L_clip; they only enter the per-image rows [positive | own K
 * negatives], globally (embeddings) and locally (token-level scores).
 */

export const fscClipOptionsSchema = z.object({
  globalWeight: z.number().min(0).default(0.5).describe("Weight of the global hard-negative loss"),
  localWeight: z
    .number()
    .min(0)
    .default(0.2)
    .describe("Weight of the local (token-level) hard-negative loss"),
  focalGamma: z.number().min(0).default(2).describe("Focal exponent of the calibrated regularisation"),
  labelSmoothing: z
    .number()
    .min(0)
    .max(1)
    .default(0.02)
    .describe("Label smoothing, spread over the positive and the valid negatives only"),
});
export type FscClipOptions = z.infer<typeof fscClipOptionsSchema>;

/** The token-level inputs, checked, with the K negatives of each image grouped next to its caption. */
function captionTokensPerImage(inputs: ObjectiveInputs) {
  const { imageTokens, textTokens, textTokenMask, hardNegTokens, hardNegTokenMask } = inputs;
  if (!imageTokens || !textTokens || !textTokenMask || !hardNegTokens || !hardNegTokenMask) {
    throw new Error(
      "fscclip needs token features: imageTokens, textTokens, textTokenMask, hardNegTokens, hardNegTokenMask",
    );
  }
  const [n, t, d] = textTokens.shape;
  const k = inputs.numNegativeTypes;
  if (hardNegTokens.shape.join() !== [n * k, t, d].join() || imageTokens.shape[0] !== n) {
    throw new Error(
      `fscclip: token shapes image ${imageTokens.shape}, text ${textTokens.shape}, negatives ` +
        `${hardNegTokens.shape}; expected [${n}, P, ${d}], [${n}, ${t}, ${d}], [${n * k}, ${t}, ${d}]`,
    );
  }
  return {
    patches: imageTokens,
    tokens: tf.concat(
      [tf.expandDims(textTokens, 1), tf.reshape(hardNegTokens, [n, k, t, d])],
      1,
    ) as tf.Tensor4D,
    mask: tf.concat(
      [tf.expandDims(textTokenMask, 1), tf.reshape(hardNegTokenMask, [n, k, t])],
      1,
    ) as tf.Tensor3D,
  };
}

/** [positive | negatives * m]: a missing negative's logit is 0 (a zero embedding) with zero gradient. */
function rowsWithMaskedNegatives(positive: tf.Tensor2D, negatives: tf.Tensor2D, mask: tf.Tensor2D) {
  return tf.concat([positive, tf.mul(negatives, mask)], 1) as tf.Tensor2D;
}

export const fscClipObjective: Objective<EmptyState, FscClipOptions> = {
  name: "fscclip",
  label: "FSC-CLIP (global + token-level calibrated hard negatives)",
  optionsSchema: fscClipOptionsSchema,
  defaultOptions: fscClipOptionsSchema.parse({}),
  usesHardNegatives: true,
  needs: { tokens: true },
  ...emptyStateMethods,

  compute(inputs: ObjectiveInputs, _state: EmptyState, options: FscClipOptions): ObjectiveOutput<EmptyState> {
    const k = inputs.numNegativeTypes;
    const { images, texts, scale } = normalizeFeatures(inputs);
    const negatives = l2Normalize(requireHardNegatives(inputs, "fscclip"));
    const mask = validMaskOrOnes(inputs);
    const captions = captionTokensPerImage(inputs);

    const clip = symmetricInfoNce(images, texts, scale);
    const globalLogits = rowsWithMaskedNegatives(
      tf.expandDims(pairLogits(images, texts, scale), 1) as tf.Tensor2D,
      ownNegativeLogits(images, negatives, k, scale),
      mask,
    );
    const local = localScores(captions.patches, captions.tokens, captions.mask, scale); // [N, 1 + K]
    const localLogits = rowsWithMaskedNegatives(
      tf.slice(local, [0, 0], [-1, 1]),
      tf.slice(local, [0, 1], [-1, k]),
      mask,
    );
    const negGlobal = selectiveCalibratedRegularization(globalLogits, mask, options);
    const negLocal = selectiveCalibratedRegularization(localLogits, mask, options);
    const total = tf.addN([
      clip.loss,
      tf.mul(negGlobal.loss, options.globalWeight),
      tf.mul(negLocal.loss, options.localWeight),
    ]) as tf.Scalar;

    return {
      total,
      terms: { clip: clip.loss, negGlobal: negGlobal.loss, negLocal: negLocal.loss },
      nextState: {},
      perSample: {
        globalLogits,
        localScores: local,
        negGlobal: negGlobal.perRow,
        negLocal: negLocal.perRow,
        counted: negGlobal.counted,
      },
    };
  },
};
