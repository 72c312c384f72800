import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { InfoNceTerms } from "./clip.js";
import type { EmptyState, Objective, ObjectiveInputs, ObjectiveOutput } from "./objective.js";
import {
  crossEntropy,
  diagonalTargets,
  l2Normalize,
  normalizeFeatures,
  ownNegativeLogits,
  pairLogits,
  requireHardNegatives,
  scaledSimilarity,
} from "./shared.js";
import { emptyStateMethods } from "./state.js";

/**
 * NegCLIP's image-text contrastive loss with hard negatives (Yuksekgonul et al. 2023), also
 * CE-CLIP's L_itc and DeGLA's L_base: hard negatives join the text side in the
 * image-to-text direction only, and every image sees all N*K negatives of the batch.
 * The validity mask is not applied (as in the original code).
 */
export function hardNegativeItc(
  images: tf.Tensor2D,
  texts: tf.Tensor2D,
  negatives: tf.Tensor2D,
  scale: tf.Scalar,
): InfoNceTerms {
  const targets = diagonalTargets(images.shape[0]);
  const i2tLogits = scaledSimilarity(images, tf.concat([texts, negatives], 0), scale); // N x (N + N*K)
  const i2t = crossEntropy(i2tLogits, targets);
  const t2i = crossEntropy(scaledSimilarity(texts, images, scale), targets);
  return { i2t, t2i, loss: tf.div(tf.add(i2t, t2i), 2) };
}

export const negClipOptionsSchema = z.object({});
export type NegClipOptions = z.infer<typeof negClipOptionsSchema>;

export const negClipObjective: Objective<EmptyState, NegClipOptions> = {
  name: "negclip",
  label: "NegCLIP (InfoNCE with hard-negative captions)",
  optionsSchema: negClipOptionsSchema,
  defaultOptions: negClipOptionsSchema.parse({}),
  usesHardNegatives: true,
  ...emptyStateMethods,
  compute(inputs: ObjectiveInputs): ObjectiveOutput<EmptyState> {
    const { images, texts, scale } = normalizeFeatures(inputs);
    const negatives = l2Normalize(requireHardNegatives(inputs, "negclip"));
    const itc = hardNegativeItc(images, texts, negatives, scale);
    return {
      total: itc.loss,
      terms: { itcI2t: itc.i2t, itcT2i: itc.t2i, itc: itc.loss },
      nextState: {},
      perSample: {
        g: pairLogits(images, texts, scale),
        h: ownNegativeLogits(images, negatives, inputs.numNegativeTypes, scale),
      },
    };
  },
};
