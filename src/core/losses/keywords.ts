import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { linear } from "../clip/ops.js";
import type { ObjectiveAugmentation } from "./augmented.js";
import type { KeywordSettings, ObjectiveInputs } from "./objective.js";
import { l2Normalize } from "./shared.js";

/**
 * Keyword supervision (after SIMLA's pseudo-keyword loss, docs/methods.md), added to any
 * objective: a linear multi-label head on the normalised image embedding, trained with
 * binary cross-entropy against the keywords present in the caption. The head's parameters
 * come in as inputs (the training loop keeps them in the params map, never exported).
 */

export interface KeywordTerms {
  /** Mean binary cross-entropy over the N x V (image, keyword) pairs. */
  loss: tf.Scalar;
  /** Mean over images with at least one keyword of the average precision of their ranking. */
  meanAveragePrecision: tf.Scalar;
  /** [N] average precision of each image (0 where its caption has no keyword). */
  averagePrecision: tf.Tensor1D;
}

/** max(z, 0) - z y + log(1 + exp(-|z|)): BCE on logits without overflow. */
export function binaryCrossEntropyWithLogits(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  const softplusOfNegAbs = tf.log1p(tf.exp(tf.neg(tf.abs(logits))));
  return tf.mean(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, targets)), softplusOfNegAbs));
}

/**
 * Average precision of each row's ranking of its positives: sort the V scores (one top-k),
 * precision at each positive's rank, averaged over the positives. Ties keep index order.
 */
export function averagePrecision(scores: tf.Tensor2D, targets: tf.Tensor2D): tf.Tensor1D {
  const [n, v] = scores.shape;
  const { indices } = tf.topk(scores, v);
  const rowOffsets = tf.mul(tf.reshape(tf.range(0, n, 1, "int32"), [n, 1]), tf.scalar(v, "int32"));
  const flatTargets: tf.Tensor = tf.reshape(targets, [n * v]);
  const sorted = tf.gather(flatTargets, tf.add(indices, rowOffsets)) as tf.Tensor2D;
  const precision = tf.div(tf.cumsum(sorted, 1), tf.range(1, v + 1, 1, "float32"));
  const positives = tf.sum(sorted, 1);
  return tf.div(tf.sum(tf.mul(precision, sorted), 1), tf.maximum(positives, 1)) as tf.Tensor1D;
}

export function keywordTerms(
  imageEmb: tf.Tensor2D,
  head: { weight: tf.Tensor2D; bias: tf.Tensor1D },
  targets: tf.Tensor2D,
): KeywordTerms {
  const logits = linear(l2Normalize(imageEmb), head.weight, head.bias) as tf.Tensor2D;
  const ap = averagePrecision(logits, targets);
  const hasKeyword = tf.cast(tf.greater(tf.sum(targets, 1), 0), "float32");
  return {
    loss: binaryCrossEntropyWithLogits(logits, targets),
    meanAveragePrecision: tf.div(tf.sum(tf.mul(ap, hasKeyword)), tf.maximum(tf.sum(hasKeyword), 1)),
    averagePrecision: ap,
  };
}

export const keywordOptionsShape = {
  keywordWeight: z.number().min(0).default(0.1).describe("Weight of the auxiliary keyword-prediction loss"),
  keywordVocabSize: z
    .number()
    .int()
    .min(1)
    .default(256)
    .describe("Keywords: the most frequent nouns and adjectives of the training captions"),
  keywordVocabCaptions: z
    .number()
    .int()
    .min(1)
    .default(1000)
    .describe("Training captions the keyword vocabulary is counted over"),
};

type KeywordOptions = z.infer<z.ZodObject<typeof keywordOptionsShape>>;

export function keywordSettings(options: object): KeywordSettings {
  const o = options as KeywordOptions;
  return { vocabSize: o.keywordVocabSize, vocabCaptions: o.keywordVocabCaptions };
}

export const keywordAugmentation: ObjectiveAugmentation = {
  key: "keywords",
  label: "keyword prediction (SIMLA)",
  optionsShape: keywordOptionsShape,
  needs: { keywords: keywordSettings },
  compute(inputs: ObjectiveInputs, options: object) {
    const { keywordHead, keywordTargets, imageEmb } = inputs;
    if (!keywordHead || !keywordTargets)
      throw new Error("keyword prediction needs keywordHead and keywordTargets");
    const [n, v] = [imageEmb.shape[0], keywordHead.weight.shape[0]];
    if (keywordTargets.shape.join() !== [n, v].join())
      throw new Error(`keywordTargets is [${keywordTargets.shape}], expected [${n}, ${v}]`);
    const terms = keywordTerms(imageEmb, keywordHead, keywordTargets);
    return {
      loss: terms.loss,
      weight: (options as KeywordOptions).keywordWeight,
      terms: { keyword: terms.loss, keywordMap: terms.meanAveragePrecision },
      perSample: { keywordAp: terms.averagePrecision },
    };
  },
};
