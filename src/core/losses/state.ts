import * as tf from "@tensorflow/tfjs";
import type { EmptyState, ObjectiveState, SerializedState } from "./objective.js";

/** Helpers for tensor-valued objective state and its checkpoint form. */

/**
 * Keeps every tensor of a state beyond the enclosing `tf.tidy` (tf.keep takes one tensor,
 * not a record). Use on `compute`'s `nextState` inside the training step.
 */
export function keepState<S extends ObjectiveState>(state: S): S {
  for (const tensor of Object.values(state)) tf.keep(tensor);
  return state;
}

/** Reads every state tensor back as a flat number array (awaits, never blocks). */
export async function serializeTensorState(state: ObjectiveState): Promise<SerializedState> {
  const entries = await Promise.all(
    Object.entries(state).map(async ([key, tensor]) => [key, Array.from(await tensor.data())] as const),
  );
  return Object.fromEntries(entries);
}

/** A 1-D state entry of the given length, or an error naming what is wrong. */
export function vectorFromSerialized(data: SerializedState, key: string, length: number): tf.Tensor1D {
  const values = data[key];
  if (!Array.isArray(values) || values.length !== length || !values.every(Number.isFinite)) {
    throw new Error(`state.${key} must be ${length} finite numbers`);
  }
  return tf.tensor1d(values);
}

/** State pieces of objectives that carry nothing. */
export const emptyStateMethods = {
  initialState: (): EmptyState => ({}),
  onEpochStart: (): EmptyState => ({}),
  serializeState: async (): Promise<SerializedState> => ({}),
  deserializeState: (): EmptyState => ({}),
};
