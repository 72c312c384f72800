import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import {
  initialThresholds,
  meanGapPerType,
  nextThresholds,
  thresholdTypes,
  validCountPerType,
} from "./ceclipThresholds.js";
import { hardNegativeItc } from "./negclip.js";
import type { Objective, ObjectiveInputs, ObjectiveOutput, SerializedState } from "./objective.js";
import {
  constantTargets,
  crossEntropy,
  l2Normalize,
  normalizeFeatures,
  ownNegativeLogits,
  pairLogits,
  requireHardNegatives,
  scaledSimilarity,
  validMaskOrOnes,
} from "./shared.js";
import { serializeTensorState, vectorFromSerialized } from "./state.js";

/**
 * CE-CLIP (Zhang, Awal, Agrawal 2023), exactly as docs/methods.md:
 * L = L_itc + w_cmr * L_cmr + w_imc * L_imc.
 */

export const imcVariants = ["imageTextPositive", "officialHead", "official2023"] as const;
export type ImcVariant = (typeof imcVariants)[number];

export const ceClipOptionsSchema = z.object({
  thresholdType: z
    .enum(thresholdTypes)
    .default("mean")
    .describe("Rank-loss threshold rule per negative type: batch mean gap, max gap / 5, or a constant"),
  upperBound: z.number().min(0).default(10).describe("Upper clamp of the adaptive threshold (logit units)"),
  fixedThreshold: z.number().default(2).describe("Threshold for the `fixed` rule (logit units)"),
  imcVariant: z
    .enum(imcVariants)
    .default("imageTextPositive")
    .describe("Intra-modal loss: image-text positive (default), official head, or official 2023 code"),
  cmrWeight: z.number().min(0).default(0.2).describe("Weight of the cross-modal rank loss"),
  imcWeight: z.number().min(0).default(0.3).describe("Weight of the intra-modal contrastive loss"),
  resetEachEpoch: z.boolean().default(true).describe("Reset thresholds at the start of every epoch"),
});
export type CeClipOptions = z.infer<typeof ceClipOptionsSchema>;

/** theta [K]: the thresholds to use at the next step, in logit units. */
export interface CeClipState extends Record<string, tf.Tensor> {
  thresholds: tf.Tensor1D;
}

/** Cross-modal rank loss: m_ik * relu(theta_k + h_ik - g_i), averaged over all N*K entries. */
export function crossModalRank(g: tf.Tensor1D, h: tf.Tensor2D, mask: tf.Tensor2D, thresholds: tf.Tensor1D) {
  const margin = tf.sub(tf.add(thresholds, h), tf.expandDims(g, 1)); // [N, K]
  const hinge = tf.mul(mask, tf.relu(margin)) as tf.Tensor2D;
  const violated = tf.mul(mask, tf.cast(tf.greater(margin, 0), "float32")) as tf.Tensor2D;
  return { loss: tf.mean(hinge) as tf.Scalar, hinge, violated };
}

/**
 * Intra-modal contrastive loss in text space; `textToNegatives` is E = s T T~^T [N, N*K].
 * Only `imageTextPositive` has a real positive; the other two reproduce the original code.
 */
export function intraModalLoss(g: tf.Tensor1D, textToNegatives: tf.Tensor2D, variant: ImcVariant): tf.Scalar {
  const n = g.shape[0];
  if (variant === "officialHead") return crossEntropy(textToNegatives, constantTargets(n, 0));
  const withPositive = tf.concat([tf.expandDims(g, 1), textToNegatives], 1) as tf.Tensor2D;
  return crossEntropy(withPositive, constantTargets(n, variant === "official2023" ? 1 : 0));
}

function initialState(options: CeClipOptions, numNegativeTypes: number): CeClipState {
  return { thresholds: initialThresholds(options, numNegativeTypes) };
}

/** Splits a [K] vector into K logged scalars `${prefix}_${k}`. */
function perTypeTerms(prefix: string, values: tf.Tensor1D): Record<string, tf.Scalar> {
  return Object.fromEntries(tf.unstack(values).map((v, k) => [`${prefix}_${k}`, v as tf.Scalar]));
}

export const ceClipObjective: Objective<CeClipState, CeClipOptions> = {
  name: "ceclip",
  label: "CE-CLIP (rank + intra-modal hard negatives)",
  optionsSchema: ceClipOptionsSchema,
  defaultOptions: ceClipOptionsSchema.parse({}),
  usesHardNegatives: true,

  initialState,

  onEpochStart(state, options) {
    if (options.resetEachEpoch || options.thresholdType === "fixed") {
      return initialState(options, state.thresholds.shape[0]);
    }
    return { thresholds: tf.clone(state.thresholds) };
  },

  compute(inputs: ObjectiveInputs, state: CeClipState, options: CeClipOptions): ObjectiveOutput<CeClipState> {
    const numTypes = inputs.numNegativeTypes;
    if (state.thresholds.shape[0] !== numTypes) {
      throw new Error(`ceclip: state has ${state.thresholds.shape[0]} thresholds, batch has K = ${numTypes}`);
    }
    const { images, texts, scale } = normalizeFeatures(inputs);
    const negatives = l2Normalize(requireHardNegatives(inputs, "ceclip"));
    const mask = validMaskOrOnes(inputs);

    const itc = hardNegativeItc(images, texts, negatives, scale);
    const g = pairLogits(images, texts, scale);
    const h = tf.mul(ownNegativeLogits(images, negatives, numTypes, scale), mask) as tf.Tensor2D;
    const rank = crossModalRank(g, h, mask, state.thresholds);
    const imc = intraModalLoss(g, scaledSimilarity(texts, negatives, scale), options.imcVariant);
    const total = tf.addN([itc.loss, tf.mul(rank.loss, options.cmrWeight), tf.mul(imc, options.imcWeight)]);

    const violationRate = tf.div(tf.sum(rank.violated, 0), validCountPerType(mask)) as tf.Tensor1D; // NaN if none
    return {
      total: total as tf.Scalar,
      terms: {
        itcI2t: itc.i2t,
        itcT2i: itc.t2i,
        itc: itc.loss,
        cmr: rank.loss,
        imc,
        ...perTypeTerms("theta", state.thresholds),
        ...perTypeTerms("gap", meanGapPerType(g, h, mask)),
        ...perTypeTerms("violationRate", violationRate),
      },
      nextState: { thresholds: nextThresholds(state.thresholds, g, h, mask, options) },
      perSample: { g, h, hinge: rank.hinge, violated: rank.violated },
    };
  },

  serializeState(state: CeClipState): Promise<SerializedState> {
    return serializeTensorState(state);
  },

  deserializeState(data, _options, numNegativeTypes) {
    return { thresholds: vectorFromSerialized(data, "thresholds", numNegativeTypes) };
  },
};
