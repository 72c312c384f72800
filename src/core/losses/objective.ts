import type * as tf from "@tensorflow/tfjs";
import type { z } from "zod";

/**
 * One contract for every training objective (CLIP, NegCLIP, CE-CLIP; FSC-CLIP and DeGLA
 * later). An objective is a pure function of one batch's features plus a small carried
 * state; it never touches models, optimisers or the DOM.
 */

/**
 * A batch's features. Embeddings are the raw projected features (NOT L2-normalised): every
 * objective normalises them itself, so gradients flow back into the projection layers.
 * Hard negatives are sample-major: row i*K + k is the type-k negative of sample i.
 */
export interface ObjectiveInputs {
  /** [N, D] image embeddings. */
  imageEmb: tf.Tensor2D;
  /** [N, D] embeddings of the true captions. */
  textEmb: tf.Tensor2D;
  /** [N*K, D] hard-negative caption embeddings, row i*K + k. */
  hardNegEmb?: tf.Tensor2D;
  /** [N, K] 1 where negative (i, k) exists; absent = all valid. */
  validMask?: tf.Tensor2D;
  /** K, the number of negative types (0 when the batch has none). */
  numNegativeTypes: number;
  /** log of CLIP's logit scale s (s = exp(logitScaleLog)). */
  logitScaleLog: tf.Scalar;

  // Token-level features (FSC-CLIP's local loss): after the final LayerNorm and projection,
  // not normalised.
  /** [N, P, D] image patch tokens, class token excluded. */
  imageTokens?: tf.Tensor3D;
  /** [N, T, D] caption tokens. */
  textTokens?: tf.Tensor3D;
  /** [N, T] 1 for tokens that take part (words and end-of-text), 0 for start and padding. */
  textTokenMask?: tf.Tensor2D;
  /** [N*K, T, D] hard-negative caption tokens, sample-major. */
  hardNegTokens?: tf.Tensor3D;
  /** [N*K, T] token mask of the hard negatives. */
  hardNegTokenMask?: tf.Tensor2D;

  // Teacher embeddings (DeGLA): constants, raw, same layout as the student's.
  teacherImageEmb?: tf.Tensor2D;
  teacherTextEmb?: tf.Tensor2D;
  teacherHardNegEmb?: tf.Tensor2D;

  // Image-side negatives (after NAS): image i re-encoded with a share of its patch tokens
  // replaced by visual-dictionary prototypes (../train/imageNegatives.ts).
  /** [N, D] raw embeddings of the negative images, row i edited from image i. */
  negativeImageEmb?: tf.Tensor2D;

  // Keyword supervision (after SIMLA): the head's parameters (in the params map under a
  // non-HF name, never exported) and the keywords present in each caption.
  keywordHead?: { weight: tf.Tensor2D; bias: tf.Tensor1D };
  /** [N, V] 1 where keyword v occurs in caption i. */
  keywordTargets?: tf.Tensor2D;
}

/** What the training loop needs to build negative images (read from the objective's options). */
export interface ImageNegativeSettings {
  /** Share r of the patch tokens replaced in each image. */
  share: number;
  /** "content": the patches most similar to the caption's content words (random where it has none). */
  selection: "content" | "random";
  /** Visual dictionary size M. */
  prototypes: number;
  /** Training images whose patch tokens build the dictionary. */
  dictionaryImages: number;
  kmeansIterations: number;
}

/** What the training loop needs for the keyword head. */
export interface KeywordSettings {
  /** Keywords V: the most frequent content words of the captions. */
  vocabSize: number;
  /** Training captions the vocabulary is counted over. */
  vocabCaptions: number;
}

/** Extra inputs the training loop must provide. */
export interface ObjectiveNeeds {
  /** Token features (FSC-CLIP). */
  tokens?: boolean;
  /** An EMA teacher (DeGLA), decayed by the named option. */
  teacher?: { decayOption: string };
  /** Negative images (`negativeImageEmb`), with settings read from the options. */
  imageNegatives?: (options: object) => ImageNegativeSettings;
  /** A keyword head and targets (`keywordHead`, `keywordTargets`). */
  keywords?: (options: object) => KeywordSettings;
}

/**
 * Carried state. It is tensor-valued so that step t+1 can use what step t computed without
 * reading it back (no dataSync per step); it is checkpointed through
 * `serializeState`/`deserializeState`. Objectives without state use `EmptyState`.
 */
export type ObjectiveState = Record<string, tf.Tensor>;
export type EmptyState = Record<string, never>;
/** Checkpoint form of a state: plain numbers, JSON-safe. */
export type SerializedState = Record<string, number[]>;

export interface ObjectiveOutput<S extends ObjectiveState> {
  /** The scalar to minimise. */
  total: tf.Scalar;
  /** Every named scalar worth logging: unweighted loss terms and diagnostics. */
  terms: Record<string, tf.Scalar>;
  /** State for the next step: fresh tensors (never aliases the input state), detached. */
  nextState: S;
  /** Per-sample values for inspection (e.g. [N] or [N, K]). */
  perSample: Record<string, tf.Tensor>;
}

/**
 * Ownership of state tensors: the caller owns every state it holds. `initialState`,
 * `onEpochStart` and `compute` return fresh tensors, so after taking a new state the caller
 * disposes the old one (`tf.dispose(oldState)`). `compute` runs inside the caller's
 * `tf.tidy`/`optimizer.minimize`, so the caller keeps (`keepState` from ./state.ts, or
 * `tf.keep` per tensor) the `nextState`, terms and per-sample tensors it reads later,
 * asynchronously.
 */
export interface Objective<S extends ObjectiveState, O> {
  /** Registry key, e.g. "ceclip". */
  name: string;
  /** Human-readable name for the UI. */
  label: string;
  /** Validates and fills options; every field has a default and a description. */
  optionsSchema: z.ZodType<O, unknown>;
  defaultOptions: O;
  /** Whether `compute` needs `hardNegEmb`. */
  usesHardNegatives: boolean;
  /** Extra inputs the training loop must provide: token features (FSC-CLIP), an EMA teacher (DeGLA)... */
  needs?: ObjectiveNeeds;
  initialState(options: O, numNegativeTypes: number): S;
  /** State to start an epoch with (fresh tensors; the caller disposes `state`). */
  onEpochStart(state: S, options: O): S;
  compute(inputs: ObjectiveInputs, state: S, options: O): ObjectiveOutput<S>;
  /** Reads the state back for a checkpoint (async: no blocking read). */
  serializeState(state: S): Promise<SerializedState>;
  /** Rebuilds a state from a checkpoint; throws when it does not fit K. */
  deserializeState(data: SerializedState, options: O, numNegativeTypes: number): S;
}

/**
 * Any objective, for registries and UIs that list them. Method parameters are bivariant in
 * TypeScript, so every `Objective<S, O>` is assignable to this.
 */
export type AnyObjective = Objective<ObjectiveState, object>;
