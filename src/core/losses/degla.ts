import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { hardNegativeItc } from "./negclip.js";
import type { EmptyState, Objective, ObjectiveInputs, ObjectiveOutput } from "./objective.js";
import {
  constantTargets,
  crossEntropy,
  l2Normalize,
  normalizeFeatures,
  ownNegativeLogits,
  pairLogits,
  requireHardNegatives,
} from "./shared.js";
import { emptyStateMethods } from "./state.js";
import { stopGradient } from "./stopGradient.js";

/**
 * DeGLA (Hu et al. 2025), exactly as docs/methods.md:
 * L = L_base + w_tgc * L_tgc + w_igc * L_igc + w_distill * L_distill.
 * The teacher (an EMA of the student, see ./ema.ts) only supplies constant embeddings.
 * As in the paper, the validity mask is not applied: every own negative counts.
 */

export const deglaOptionsSchema = z.object({
  tgcWeight: z.number().min(0).default(0.1).describe("Weight of the text-grounded contrastive loss"),
  igcWeight: z.number().min(0).default(0.1).describe("Weight of the image-grounded contrastive loss"),
  distillWeight: z
    .number()
    .min(0)
    .default(0.005)
    .describe("Weight of the distillation loss (sum of squared student-teacher differences)"),
  tgcScale: z.number().positive().default(10).describe("Fixed logit scale of the text-grounded loss"),
  teacherDecay: z
    .number()
    .min(0)
    .max(1)
    .default(0.9996)
    .describe("EMA decay of the teacher, applied after every optimiser step"),
});
export type DeglaOptions = z.infer<typeof deglaOptionsSchema>;

interface TeacherFeatures {
  images: tf.Tensor2D;
  texts: tf.Tensor2D;
  negatives: tf.Tensor2D;
}

/** The teacher's normalised embeddings as constants, checked against the student's shapes. */
function teacherFeatures(inputs: ObjectiveInputs, negatives: tf.Tensor2D): TeacherFeatures {
  const { teacherImageEmb, teacherTextEmb, teacherHardNegEmb } = inputs;
  if (!teacherImageEmb || !teacherTextEmb || !teacherHardNegEmb) {
    throw new Error("degla needs teacher embeddings: teacherImageEmb, teacherTextEmb, teacherHardNegEmb");
  }
  const pairs: Array<[string, tf.Tensor, tf.Tensor]> = [
    ["teacherImageEmb", teacherImageEmb, inputs.imageEmb],
    ["teacherTextEmb", teacherTextEmb, inputs.textEmb],
    ["teacherHardNegEmb", teacherHardNegEmb, negatives],
  ];
  for (const [name, teacher, student] of pairs) {
    if (teacher.shape.join() !== student.shape.join()) {
      throw new Error(`degla: ${name} is [${teacher.shape}], the student's is [${student.shape}]`);
    }
  }
  const constant = (x: tf.Tensor2D) => stopGradient(l2Normalize(x));
  return {
    images: constant(teacherImageEmb),
    texts: constant(teacherTextEmb),
    negatives: constant(teacherHardNegEmb),
  };
}

/** CE([positive | own negatives], 0): `positive` [N], `negatives` [N, K]. */
function groundedContrast(positive: tf.Tensor1D, negatives: tf.Tensor2D): tf.Scalar {
  const logits = tf.concat([tf.expandDims(positive, 1), negatives], 1) as tf.Tensor2D;
  return crossEntropy(logits, constantTargets(positive.shape[0], 0));
}

/** Sum of squared differences between matching rows. */
function squaredDistance(a: tf.Tensor2D, b: tf.Tensor2D): tf.Scalar {
  return tf.sum(tf.square(tf.sub(a, b)));
}

export const deglaObjective: Objective<EmptyState, DeglaOptions> = {
  name: "degla",
  label: "DeGLA (hard negatives + EMA-teacher self-distillation)",
  optionsSchema: deglaOptionsSchema,
  defaultOptions: deglaOptionsSchema.parse({}),
  usesHardNegatives: true,
  needs: { teacher: { decayOption: "teacherDecay" } },
  ...emptyStateMethods,

  compute(inputs: ObjectiveInputs, _state: EmptyState, options: DeglaOptions): ObjectiveOutput<EmptyState> {
    const k = inputs.numNegativeTypes;
    const rawNegatives = requireHardNegatives(inputs, "degla");
    const teacher = teacherFeatures(inputs, rawNegatives);
    const { images, texts, scale } = normalizeFeatures(inputs);
    const negatives = l2Normalize(rawNegatives);

    const base = hardNegativeItc(images, texts, negatives, scale);
    const g = pairLogits(images, texts, scale);
    const h = ownNegativeLogits(images, negatives, k, scale);
    const igc = groundedContrast(g, h);
    const tgcScale = tf.scalar(options.tgcScale);
    const tgc = groundedContrast(
      pairLogits(texts, teacher.texts, tgcScale),
      ownNegativeLogits(texts, negatives, k, tgcScale),
    );
    const distill = tf.addN([
      squaredDistance(images, teacher.images),
      squaredDistance(texts, teacher.texts),
      squaredDistance(negatives, teacher.negatives),
    ]) as tf.Scalar;
    const total = tf.addN([
      base.loss,
      tf.mul(tgc, options.tgcWeight),
      tf.mul(igc, options.igcWeight),
      tf.mul(distill, options.distillWeight),
    ]) as tf.Scalar;

    return {
      total,
      terms: { baseI2t: base.i2t, baseT2i: base.t2i, base: base.loss, tgc, igc, distill },
      nextState: {},
      perSample: { g, h },
    };
  },
};
