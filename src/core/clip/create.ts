import * as tf from "@tensorflow/tfjs";
import { type ClipConfig, parseClipConfig } from "./config.js";
import type { LoadedClip } from "./index.js";
import { createClipTokenizer } from "./tokenizer.js";
import { initParameters } from "./weights.js";

/**
 * A CLIP initialised from scratch (HF's initialisation, deterministic in `seed`) with the
 * given tokenizer files, as trainable variables: what pretraining starts from.
 */
export function createClipFromScratch(
  configInput: unknown,
  tokenizerFiles: Record<string, string>,
  seed: number,
): LoadedClip {
  const config: ClipConfig = parseClipConfig(configInput);
  const params = new Map<string, tf.Tensor>();
  for (const [name, t] of initParameters(config, seed)) {
    const initial = tf.tensor(t.data, t.shape);
    params.set(name, tf.variable(initial, true));
    initial.dispose();
  }
  const tokenizer = createClipTokenizer(
    {
      tokenizerJson: tokenizerFiles["tokenizer.json"],
      tokenizerConfig: tokenizerFiles["tokenizer_config.json"],
      vocabJson: tokenizerFiles["vocab.json"],
      mergesTxt: tokenizerFiles["merges.txt"],
    },
    {
      contextLength: config.text_config.max_position_embeddings,
      padTokenId: config.text_config.pad_token_id,
      eosTokenId: config.text_config.eos_token_id,
      bosTokenId: config.text_config.bos_token_id,
      vocabSize: config.text_config.vocab_size,
    },
  );
  const textFiles = { ...tokenizerFiles, "config.json": JSON.stringify(config, null, 2) };
  return { config, params, tokenizer, textFiles, warnings: [] };
}
