import * as tf from "@tensorflow/tfjs";
import { LAB_PARAMETER_PREFIX } from "../clip/index.js";
import type { ClipParams } from "../clip/model.js";
import { createRng, deriveSeed } from "../clip/random.js";
import type { KeywordSettings } from "../losses/objective.js";
import { type ExampleSource, evenlySpacedIndices } from "./batches.js";
import { captionWords, contentWordCounts, mostFrequent } from "./contentWords.js";

/**
 * The trainer's side of keyword supervision (after SIMLA, docs/methods.md): the vocabulary
 * (the most frequent nouns and adjectives of the training captions), each batch's targets,
 * and the head's parameters, kept in the params map under lab-only names so checkpoints keep
 * them and the HF export leaves them out.
 */

export const KEYWORD_HEAD_WEIGHT = `${LAB_PARAMETER_PREFIX}keyword_head.weight`;
export const KEYWORD_HEAD_BIAS = `${LAB_PARAMETER_PREFIX}keyword_head.bias`;

export interface KeywordVocabulary {
  words: string[];
  /** Share of the counted captions that contain each word. */
  frequency: number[];
}

/** The `size` most frequent content words of `captions` (ties alphabetical). */
export function keywordVocabulary(captions: readonly string[], size: number): KeywordVocabulary {
  const counts = contentWordCounts(captions);
  const words = mostFrequent(counts, size);
  return { words, frequency: words.map((w) => (counts.get(w) ?? 0) / Math.max(1, captions.length)) };
}

/** [N * V] row-major: 1 where keyword v is a word of caption i. */
export function keywordTargets(captions: readonly string[], words: readonly string[]): Float32Array {
  const index = new Map(words.map((w, v) => [w, v]));
  const targets = new Float32Array(captions.length * words.length);
  captions.forEach((caption, i) => {
    for (const word of captionWords(caption)) {
      const v = index.get(word);
      if (v !== undefined) targets[i * words.length + v] = 1;
    }
  });
  return targets;
}

export class KeywordSupervision {
  readonly vocabulary: KeywordVocabulary;

  constructor(source: ExampleSource, settings: KeywordSettings) {
    const captions = evenlySpacedIndices(source.size, settings.vocabCaptions).map(
      (i) => source.get(i).caption,
    );
    this.vocabulary = keywordVocabulary(captions, settings.vocabSize);
    if (this.vocabulary.words.length === 0)
      throw new Error(
        `keyword prediction: the ${captions.length} training captions have no nouns or adjectives`,
      );
  }

  /**
   * Head variables for `dim`-wide image embeddings: weights ~ N(0, 0.02^2) from the seed,
   * biases at the log-odds of each keyword's frequency (the loss starts at the base rate).
   */
  createHead(dim: number, seed: number): Map<string, tf.Variable> {
    const v = this.vocabulary.words.length;
    const rng = createRng(deriveSeed(seed, KEYWORD_HEAD_WEIGHT));
    const weight = Float32Array.from({ length: v * dim }, () => 0.02 * rng.normal());
    const bias = Float32Array.from(this.vocabulary.frequency, (f) => {
      const p = Math.min(Math.max(f, 1e-3), 1 - 1e-3);
      return Math.log(p / (1 - p));
    });
    const variableOf = (values: tf.Tensor) => {
      const variable = tf.variable(values, true);
      values.dispose();
      return variable;
    };
    return new Map([
      [KEYWORD_HEAD_WEIGHT, variableOf(tf.tensor2d(weight, [v, dim]))],
      [KEYWORD_HEAD_BIAS, variableOf(tf.tensor1d(bias))],
    ]);
  }

  /** The objective's inputs for one batch (inside the step's tidy). */
  inputs(params: ClipParams, captionTexts: readonly string[]) {
    const weight = params.get(KEYWORD_HEAD_WEIGHT) as tf.Tensor2D | undefined;
    const bias = params.get(KEYWORD_HEAD_BIAS) as tf.Tensor1D | undefined;
    if (!weight || !bias)
      throw new Error("keyword prediction: the keyword head is missing from the parameters");
    const words = this.vocabulary.words;
    return {
      keywordHead: { weight, bias },
      keywordTargets: tf.tensor2d(keywordTargets(captionTexts, words), [captionTexts.length, words.length]),
    };
  }
}
