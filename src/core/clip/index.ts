import * as tf from "@tensorflow/tfjs";
import { type ClipConfig, parseClipConfig } from "./config.js";
import { mergeLora } from "./lora.js";
import { type ClipParams, clipLogits, encodeImagePixels, encodeTextTokens } from "./model.js";
import { l2Normalize } from "./ops.js";
import { preprocessImage, preprocessOptionsFor, type RgbaImage } from "./preprocess.js";
import { readSafetensors, writeSafetensors } from "./safetensors.js";
import { type ClipTokenizer, createClipTokenizer } from "./tokenizer.js";
import { validateWeights } from "./weights.js";

export type { ClipConfig } from "./config.js";
export type { RgbaImage } from "./preprocess.js";

/** Files of an HF checkpoint folder by name, or a base URL in the hub's `resolve/main` layout. */
export type ClipSource = Map<string, Uint8Array> | { baseUrl: string; fetch?: typeof fetch };

export interface LoadedClip {
  config: ClipConfig;
  params: ClipParams;
  tokenizer: ClipTokenizer;
  /** Raw text files of the checkpoint (tokenizer and config), kept for export. */
  textFiles: Record<string, string>;
  warnings: string[];
}

const TEXT_FILES = [
  "config.json",
  "tokenizer.json",
  "tokenizer_config.json",
  "vocab.json",
  "merges.txt",
  "special_tokens_map.json",
];
const WEIGHT_FILE = "model.safetensors";

async function readSource(source: ClipSource): Promise<Map<string, Uint8Array>> {
  if (source instanceof Map) return source;
  const fetchFn = source.fetch ?? fetch;
  const files = new Map<string, Uint8Array>();
  const base = source.baseUrl.replace(/\/$/, "");
  await Promise.all(
    [...TEXT_FILES, WEIGHT_FILE].map(async (name) => {
      const response = await fetchFn(`${base}/${name}`);
      if (response.ok) files.set(name, new Uint8Array(await response.arrayBuffer()));
      else if (name === "config.json" || name === WEIGHT_FILE) {
        throw new Error(`could not fetch ${name} from ${base}: HTTP ${response.status}`);
      }
    }),
  );
  return files;
}

/** Loads an HF CLIP checkpoint: config, validated weights (as tf variables) and tokenizer. */
export async function loadClip(
  source: ClipSource,
  options: { trainable?: boolean } = {},
): Promise<LoadedClip> {
  const files = await readSource(source);
  const text = (name: string) => {
    const bytes = files.get(name);
    return bytes ? new TextDecoder().decode(bytes) : undefined;
  };
  const configText = text("config.json");
  if (!configText) throw new Error("the model folder has no config.json");
  const config = parseClipConfig(configText);
  const weightBytes = files.get(WEIGHT_FILE);
  if (!weightBytes) throw new Error(`the model folder has no ${WEIGHT_FILE}`);
  const { tensors } = readSafetensors(weightBytes);
  const { warnings, unknown } = validateWeights(config, tensors);
  const params: ClipParams = new Map();
  for (const [name, t] of tensors) {
    if (unknown.includes(name)) continue;
    const value = tf.tensor(t.data, t.shape, "float32");
    // Unnamed variables: tfjs names must be unique per process, and several models may be live.
    params.set(name, options.trainable ? tf.variable(value, true) : value);
    if (options.trainable) value.dispose();
  }
  const textFiles: Record<string, string> = {};
  for (const name of TEXT_FILES) {
    const content = text(name);
    if (content !== undefined) textFiles[name] = content;
  }
  const tokenizer = createClipTokenizer(
    {
      tokenizerJson: textFiles["tokenizer.json"],
      tokenizerConfig: textFiles["tokenizer_config.json"],
      vocabJson: textFiles["vocab.json"],
      mergesTxt: textFiles["merges.txt"],
    },
    {
      contextLength: config.text_config.max_position_embeddings,
      padTokenId: config.text_config.pad_token_id,
      eosTokenId: config.text_config.eos_token_id,
      bosTokenId: config.text_config.bos_token_id,
      vocabSize: config.text_config.vocab_size,
    },
  );
  return { config, params, tokenizer, textFiles, warnings };
}

/** Projected features (HF `text_embeds` before normalisation) for a batch of texts. */
export function encodeText(model: LoadedClip, texts: string[]): tf.Tensor2D {
  const { inputIds, shape } = model.tokenizer.encode(texts);
  return tf.tidy(
    () =>
      encodeTextTokens(model.params, model.config, { ids: inputIds, batch: shape[0], length: shape[1] })
        .features,
  );
}

/** HF `pixel_values` ([B, 3, S, S]) for decoded images, with the model's processor settings. */
export function pixelValues(model: LoadedClip, images: RgbaImage[]): tf.Tensor4D {
  const size = model.config.vision_config.image_size;
  const options = preprocessOptionsFor(size);
  const data = new Float32Array(images.length * 3 * size * size);
  images.forEach((img, i) => {
    data.set(preprocessImage(img, options), i * 3 * size * size);
  });
  return tf.tensor4d(data, [images.length, 3, size, size]);
}

export function encodeImages(model: LoadedClip, images: RgbaImage[]): tf.Tensor2D {
  return tf.tidy(() => encodeImagePixels(model.params, model.config, pixelValues(model, images)).features);
}

/** Cosine similarities [images, texts] and HF's `logits_per_image`. */
export async function similarity(
  model: LoadedClip,
  images: RgbaImage[],
  texts: string[],
): Promise<{ cosine: number[][]; logitsPerImage: number[][] }> {
  const [cosine, logits] = tf.tidy(() => {
    const img = encodeImages(model, images);
    const txt = encodeText(model, texts);
    const cos = tf.matMul(l2Normalize(img) as tf.Tensor2D, l2Normalize(txt) as tf.Tensor2D, false, true);
    return [cos, clipLogits(model.params, img, txt)];
  });
  const out = {
    cosine: (await cosine.array()) as number[][],
    logitsPerImage: (await logits.array()) as number[][],
  };
  tf.dispose([cosine, logits]);
  return out;
}

/**
 * Names of parameters that HardNeg Lab's training adds to the map (the keyword head, the
 * visual dictionary): checkpoints keep them, an HF export never contains them.
 */
export const LAB_PARAMETER_PREFIX = "hardneg.";

export function isLabParameter(name: string): boolean {
  return name.startsWith(LAB_PARAMETER_PREFIX);
}

/** The parameters as an F32 safetensors file, keys and shapes exactly as HF's (lab-only ones left out). */
export async function toSafetensors(
  params: ClipParams,
  metadata?: Record<string, string>,
): Promise<Uint8Array> {
  const entries: [string, { shape: number[]; data: Float32Array }][] = [];
  for (const [name, t] of params) {
    if (isLabParameter(name)) continue;
    entries.push([name, { shape: t.shape, data: (await t.data()) as Float32Array }]);
  }
  return writeSafetensors(new Map(entries), metadata);
}

/** An HF model folder (config, weights, tokenizer files) for the current parameters. */
export async function exportClipFiles(
  model: LoadedClip,
  metadata: Record<string, string> = {},
): Promise<Map<string, Uint8Array>> {
  const encoder = new TextEncoder();
  const files = new Map<string, Uint8Array>();
  for (const [name, content] of Object.entries(model.textFiles)) files.set(name, encoder.encode(content));
  files.set("config.json", encoder.encode(`${JSON.stringify(model.config, null, 2)}\n`));
  // LoRA adapters are merged into their weights (W' = W + alpha/r B A): the folder is plain HF.
  const merged = mergeLora(model.params);
  try {
    files.set(WEIGHT_FILE, await toSafetensors(merged.params, metadata));
  } finally {
    tf.dispose(merged.created);
  }
  return files;
}

export function disposeClip(model: LoadedClip): void {
  for (const t of model.params.values()) t.dispose();
  model.params.clear();
}
