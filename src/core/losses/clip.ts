import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { EmptyState, Objective, ObjectiveInputs, ObjectiveOutput } from "./objective.js";
import { crossEntropy, diagonalTargets, normalizeFeatures, pairLogits, scaledSimilarity } from "./shared.js";
import { emptyStateMethods } from "./state.js";

/** CLIP's symmetric InfoNCE over the N true pairs (Radford et al. 2021). */

export interface InfoNceTerms {
  /** CE(s V T^T, i): each image picks its caption among the batch's captions. */
  i2t: tf.Scalar;
  /** CE(s T V^T, i): each caption picks its image. */
  t2i: tf.Scalar;
  /** (i2t + t2i) / 2. */
  loss: tf.Scalar;
}

/** Symmetric InfoNCE on normalised features; reused by objectives built on CLIP's loss. */
export function symmetricInfoNce(images: tf.Tensor2D, texts: tf.Tensor2D, scale: tf.Scalar): InfoNceTerms {
  const targets = diagonalTargets(images.shape[0]);
  const i2t = crossEntropy(scaledSimilarity(images, texts, scale), targets);
  const t2i = crossEntropy(scaledSimilarity(texts, images, scale), targets);
  return { i2t, t2i, loss: tf.div(tf.add(i2t, t2i), 2) };
}

export const clipOptionsSchema = z.object({});
export type ClipOptions = z.infer<typeof clipOptionsSchema>;

export const clipObjective: Objective<EmptyState, ClipOptions> = {
  name: "clip",
  label: "CLIP (InfoNCE, no hard negatives)",
  optionsSchema: clipOptionsSchema,
  defaultOptions: clipOptionsSchema.parse({}),
  usesHardNegatives: false,
  ...emptyStateMethods,
  compute(inputs: ObjectiveInputs): ObjectiveOutput<EmptyState> {
    const { images, texts, scale } = normalizeFeatures(inputs);
    const itc = symmetricInfoNce(images, texts, scale);
    return {
      total: itc.loss,
      terms: { itcI2t: itc.i2t, itcT2i: itc.t2i, itc: itc.loss },
      nextState: {},
      perSample: { g: pairLogits(images, texts, scale) },
    };
  },
};
