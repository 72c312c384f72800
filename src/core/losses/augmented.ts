import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type {
  AnyObjective,
  ObjectiveInputs,
  ObjectiveNeeds,
  ObjectiveOutput,
  ObjectiveState,
} from "./objective.js";

/**
 * Terms that go on top of any objective (image-side negatives, keyword prediction): an
 * augmentation adds its options to the base objective's, its weighted loss to the total and
 * its terms to the logged ones. `augmentObjective(ceClip, [imageNegatives])` is an ordinary
 * objective named "ceclip+imageneg": the registry lists such combinations by name, so the
 * CLI's `--objective` and the app select them like any other.
 */

export interface AugmentationOutput {
  /** Unweighted added loss. */
  loss: tf.Scalar;
  /** Its weight in the total (from the options). */
  weight: number;
  /** Logged scalars; names must not clash with any base objective's terms. */
  terms: Record<string, tf.Scalar>;
  perSample: Record<string, tf.Tensor>;
}

export interface ObjectiveAugmentation {
  /** Name suffix after "+", e.g. "imageneg". */
  key: string;
  /** Appended to the base objective's label after " + ". */
  label: string;
  /** Option fields added to the base objective's (each with a default and a description). */
  optionsShape: z.ZodRawShape;
  /** Extra inputs the training loop must provide. */
  needs: ObjectiveNeeds;
  /** Stateless: reads the batch's inputs and the (merged) options. */
  compute(inputs: ObjectiveInputs, options: object): AugmentationOutput;
}

/** Separates the base objective's name from its augmentations' keys. */
export const AUGMENTATION_SEPARATOR = "+";

/** The base objective with every augmentation's loss added; state and hard negatives are the base's. */
export function augmentObjective(
  base: AnyObjective,
  augmentations: readonly ObjectiveAugmentation[],
): AnyObjective {
  if (!(base.optionsSchema instanceof z.ZodObject))
    throw new Error(`${base.name}: only objectives with an object options schema can be augmented`);
  const schema = augmentations.reduce(
    (merged: z.ZodObject, a) => merged.extend(a.optionsShape),
    base.optionsSchema as z.ZodObject,
  );
  return {
    name: [base.name, ...augmentations.map((a) => a.key)].join(AUGMENTATION_SEPARATOR),
    label: [base.label, ...augmentations.map((a) => a.label)].join(" + "),
    optionsSchema: schema as z.ZodType<object, unknown>,
    defaultOptions: schema.parse({}),
    usesHardNegatives: base.usesHardNegatives,
    needs: Object.assign({}, base.needs, ...augmentations.map((a) => a.needs)),
    initialState: (options, k) => base.initialState(options, k),
    onEpochStart: (state, options) => base.onEpochStart(state, options),
    serializeState: (state) => base.serializeState(state),
    deserializeState: (data, options, k) => base.deserializeState(data, options, k),

    compute(
      inputs: ObjectiveInputs,
      state: ObjectiveState,
      options: object,
    ): ObjectiveOutput<ObjectiveState> {
      const out = base.compute(inputs, state, options);
      const added = augmentations.map((a) => a.compute(inputs, options));
      const total = tf.addN([out.total, ...added.map((a) => tf.mul(a.loss, a.weight))]) as tf.Scalar;
      return {
        total,
        terms: Object.assign({}, out.terms, ...added.map((a) => a.terms)),
        nextState: out.nextState,
        perSample: Object.assign({}, out.perSample, ...added.map((a) => a.perSample)),
      };
    },
  };
}
