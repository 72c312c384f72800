import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { ObjectiveAugmentation } from "./augmented.js";
import type { ImageNegativeSettings, ObjectiveInputs } from "./objective.js";
import {
  crossEntropy,
  diagonalTargets,
  l2Normalize,
  logitScale,
  pairLogits,
  scaledSimilarity,
} from "./shared.js";

/**
 * Image-side hard negatives (after NAS, docs/methods.md), added to any objective:
 * L_nva = CE( s [<t_i, v_i>, <t_i, v~_i>, <t_i, v_j> for j != i], 0 ), where v~_i is image i
 * with a share of its patch tokens replaced by visual-dictionary prototypes. The training
 * loop builds v~ (../train/imageNegatives.ts); this file is the loss on embeddings only.
 */

export interface ImageNegativeContrast {
  /** L_nva, mean over the N captions. */
  loss: tf.Scalar;
  /** Share of captions closer to their true image than to its negative image. */
  accuracy: tf.Scalar;
  /** Mean of cos(t_i, v_i) - cos(t_i, v~_i). */
  gap: tf.Scalar;
  /** [N] cos(t_i, v_i) - cos(t_i, v~_i). */
  perSampleGap: tf.Tensor1D;
}

/**
 * L_nva on normalised features. Each caption's row holds every batch image (its own on the
 * diagonal) and its own negative image in an extra last column; the column order does not
 * change a cross-entropy, so this is the row of docs/methods.md with the target at i.
 */
export function imageNegativeContrast(
  texts: tf.Tensor2D,
  images: tf.Tensor2D,
  negativeImages: tf.Tensor2D,
  scale: tf.Scalar,
): ImageNegativeContrast {
  const n = texts.shape[0];
  const logits = tf.concat(
    [scaledSimilarity(texts, images, scale), tf.expandDims(pairLogits(texts, negativeImages, scale), 1)],
    1,
  ) as tf.Tensor2D;
  const one = tf.scalar(1);
  const perSampleGap: tf.Tensor1D = tf.sub(
    pairLogits(texts, images, one),
    pairLogits(texts, negativeImages, one),
  );
  return {
    loss: crossEntropy(logits, diagonalTargets(n)),
    accuracy: tf.mean(tf.cast(tf.greater(perSampleGap, 0), "float32")),
    gap: tf.mean(perSampleGap),
    perSampleGap,
  };
}

export const imageNegativeOptionsShape = {
  imageNegWeight: z
    .number()
    .min(0)
    .default(0.5)
    .describe("Weight of the text-to-image loss with negative images (L_nva)"),
  imageNegShare: z
    .number()
    .gt(0)
    .max(1)
    .default(0.25)
    .describe("Share of each image's patch tokens replaced by a different prototype"),
  imageNegSelection: z
    .enum(["content", "random"])
    .default("content")
    .describe("Which patches: those most similar to the caption's content words (else random), or random"),
  imageNegPrototypes: z
    .number()
    .int()
    .min(2)
    .default(256)
    .describe("Visual dictionary size (k-means prototypes of patch tokens)"),
  imageNegDictionaryImages: z
    .number()
    .int()
    .min(1)
    .default(256)
    .describe("Training images whose patch tokens build the dictionary"),
  imageNegKmeansIterations: z
    .number()
    .int()
    .min(1)
    .default(20)
    .describe("k-means iterations at most when building the dictionary"),
};

type ImageNegativeOptions = z.infer<z.ZodObject<typeof imageNegativeOptionsShape>>;

export function imageNegativeSettings(options: object): ImageNegativeSettings {
  const o = options as ImageNegativeOptions;
  return {
    share: o.imageNegShare,
    selection: o.imageNegSelection,
    prototypes: o.imageNegPrototypes,
    dictionaryImages: o.imageNegDictionaryImages,
    kmeansIterations: o.imageNegKmeansIterations,
  };
}

export const imageNegativeAugmentation: ObjectiveAugmentation = {
  key: "imageneg",
  label: "image-side negatives (NAS)",
  optionsShape: imageNegativeOptionsShape,
  needs: { imageNegatives: imageNegativeSettings },
  compute(inputs: ObjectiveInputs, options: object) {
    if (!inputs.negativeImageEmb || inputs.negativeImageEmb.shape.join() !== inputs.imageEmb.shape.join()) {
      throw new Error(
        `image negatives need negativeImageEmb of shape [${inputs.imageEmb.shape}]` +
          (inputs.negativeImageEmb ? `, got [${inputs.negativeImageEmb.shape}]` : ""),
      );
    }
    const contrast = imageNegativeContrast(
      l2Normalize(inputs.textEmb),
      l2Normalize(inputs.imageEmb),
      l2Normalize(inputs.negativeImageEmb),
      logitScale(inputs.logitScaleLog),
    );
    return {
      loss: contrast.loss,
      weight: (options as ImageNegativeOptions).imageNegWeight,
      terms: { imageNeg: contrast.loss, imageNegAccuracy: contrast.accuracy, imageNegGap: contrast.gap },
      perSample: { imageNegGap: contrast.perSampleGap },
    };
  },
};
