import * as tf from "@tensorflow/tfjs";
import { parseClipConfig } from "../../clip/config.js";
import { readSafetensors } from "../../clip/safetensors.js";
import { buildClipTokenizerJson, parseMergesTxt } from "../../clip/tokenizer.js";
import { validateWeights } from "../../clip/weights.js";
import type { SerializedState } from "../../losses/objective.js";
import { getObjective } from "../../losses/registry.js";
import type { ExampleSource, TrainingExample } from "../../train/batches.js";
import { parseTrainConfig, type TrainConfig } from "../../train/config.js";
import { encodePng } from "../png.js";
import { bundleReadme } from "./readme.js";
import {
  BATCH_ORDER,
  BundleError,
  IMAGES_DIR,
  MODEL_DIR,
  PAIRS_FILE,
  type PairLine,
  RUN_BUNDLE_FORMAT,
  RUN_BUNDLE_VERSION,
  RUN_FILE,
  type RunBundle,
  runBundleSchema,
} from "./schema.js";

/** The objectives scale/ implements (the browser's augmented ones, e.g. "ceclip+imageneg", are not). */
export const SCALE_OBJECTIVES = ["clip", "negclip", "ceclip", "fscclip", "degla"] as const;

export interface RunBundleInput {
  /** An HF CLIP folder by file name (e.g. `exportClipFiles(model)` or a folder read from disk). */
  modelFiles: Map<string, Uint8Array>;
  /** Every example of the run's data, in index order. */
  source: ExampleSource;
  /** Where the examples came from, for run.json and the README (e.g. "shapes-train"). */
  dataName: string;
  config: TrainConfig;
  /** The objective's carried state (e.g. CE-CLIP's thresholds mid-run); default: its initial state. */
  objectiveState?: SerializedState;
  createdBy?: string;
  createdAt?: Date;
}

const encoder = new TextEncoder();
const MODEL_TEXT_FILES = [
  "config.json",
  "tokenizer.json",
  "tokenizer_config.json",
  "vocab.json",
  "merges.txt",
  "special_tokens_map.json",
];

/** The path of example `index`'s image inside the bundle. */
export function imagePath(index: number): string {
  return `${IMAGES_DIR}/${String(index).padStart(6, "0")}.png`;
}

/** The model folder's files, checked, with a tokenizer.json built when only vocab.json + merges.txt exist. */
function modelEntries(files: Map<string, Uint8Array>): {
  entries: [string, Uint8Array][];
  parameters: number;
} {
  const text = (name: string) => {
    const bytes = files.get(name);
    return bytes && new TextDecoder().decode(bytes);
  };
  const configText = text("config.json");
  if (!configText) throw new BundleError("the model has no config.json");
  const weights = files.get("model.safetensors");
  if (!weights) throw new BundleError("the model has no model.safetensors");
  const config = parseClipConfig(configText);
  let tensors: ReturnType<typeof readSafetensors>["tensors"];
  let unknown: string[];
  try {
    tensors = readSafetensors(weights).tensors;
    unknown = validateWeights(config, tensors).unknown;
  } catch (e) {
    throw new BundleError(`model.safetensors: ${(e as Error).message}`);
  }
  let parameters = 0;
  for (const [name, t] of tensors) if (!unknown.includes(name)) parameters += t.data.length;
  const entries: [string, Uint8Array][] = [];
  for (const name of MODEL_TEXT_FILES) {
    const bytes = files.get(name);
    if (bytes) entries.push([`${MODEL_DIR}/${name}`, bytes]);
  }
  if (!files.has("tokenizer.json")) {
    const vocab = text("vocab.json");
    const merges = text("merges.txt");
    if (!vocab || !merges)
      throw new BundleError("the model needs tokenizer.json, or vocab.json and merges.txt");
    const json = buildClipTokenizerJson(JSON.parse(vocab), parseMergesTxt(merges));
    entries.push([`${MODEL_DIR}/tokenizer.json`, encoder.encode(JSON.stringify(json, null, 2))]);
  }
  entries.push([`${MODEL_DIR}/model.safetensors`, weights]);
  return { entries, parameters };
}

/** The objective's state as run.json carries it: checked against K, or the initial state. */
async function carriedState(input: RunBundleInput, options: object, k: number): Promise<SerializedState> {
  const objective = getObjective(input.config.objective);
  let state: Record<string, tf.Tensor>;
  try {
    state = input.objectiveState
      ? objective.deserializeState(input.objectiveState, options, k)
      : objective.initialState(options, k);
  } catch (e) {
    throw new BundleError(`objective state: ${(e as Error).message}`);
  }
  try {
    return await objective.serializeState(state);
  } finally {
    tf.dispose(Object.values(state));
  }
}

/** One pairs.jsonl line for an example, checked against K. */
function pairLine(source: ExampleSource, example: TrainingExample, index: number): PairLine {
  const k = source.numNegativeTypes;
  if (example.negatives.length < k || example.negativeMask.length < k)
    throw new BundleError(
      `example ${index}: ${example.negatives.length} negatives and ${example.negativeMask.length} mask entries, the data has K = ${k}`,
    );
  return {
    image: imagePath(index),
    caption: example.caption,
    negatives: example.negatives.slice(0, k),
    negativeTypes: source.negativeTypeNames.slice(0, k),
    valid: example.negativeMask.slice(0, k).map((m) => (m ? 1 : 0)),
  };
}

/** run.json for the input, validated by the same schema readers check. */
export async function runBundleRecord(input: RunBundleInput, parameters: number): Promise<RunBundle> {
  const config = parseTrainConfig(input.config);
  if (!(SCALE_OBJECTIVES as readonly string[]).includes(config.objective))
    throw new BundleError(
      `objective "${config.objective}" cannot be scaled out (scale/ implements ${SCALE_OBJECTIVES.join(", ")})`,
    );
  // Read loosely: LoRA settings are optional in older configs.
  const loraRank = (config as { lora?: { rank?: number } }).lora?.rank ?? 0;
  if (loraRank > 0) throw new BundleError("LoRA runs cannot be scaled out yet (scale/ trains full weights)");
  const objective = getObjective(config.objective);
  const options = objective.optionsSchema.parse(config.objectiveOptions);
  const { source } = input;
  if (source.negativeTypeNames.length < source.numNegativeTypes)
    throw new BundleError(
      `the data names ${source.negativeTypeNames.length} negative types for K = ${source.numNegativeTypes}`,
    );
  if (objective.usesHardNegatives && source.numNegativeTypes < 1)
    throw new BundleError(`${objective.name} needs hard negatives, the data has none`);
  if (config.batchSize > source.size)
    throw new BundleError(`batch size ${config.batchSize} exceeds the ${source.size} examples`);
  const k = objective.usesHardNegatives ? source.numNegativeTypes : 0;
  return runBundleSchema.parse({
    format: RUN_BUNDLE_FORMAT,
    version: RUN_BUNDLE_VERSION,
    createdBy: input.createdBy ?? "HardNeg Lab",
    createdAt: (input.createdAt ?? new Date()).toISOString(),
    model: { path: MODEL_DIR, parameters },
    data: {
      name: input.dataName,
      pairs: PAIRS_FILE,
      size: source.size,
      numNegativeTypes: source.numNegativeTypes,
      negativeTypes: source.negativeTypeNames.slice(0, source.numNegativeTypes),
    },
    batchOrder: BATCH_ORDER,
    train: { ...config, objectiveOptions: options },
    objectiveState: await carriedState(input, options, k),
  });
}

/**
 * The bundle's files, one at a time (a large data set need not sit in memory): model/,
 * data/images/, data/pairs.jsonl, run.json, README.md. Paths are relative to the bundle.
 * Worker-free: the app's Export panel and the CLI call it alike.
 */
export async function* runBundleEntries(input: RunBundleInput): AsyncGenerator<[string, Uint8Array]> {
  const { entries, parameters } = modelEntries(input.modelFiles);
  const run = await runBundleRecord(input, parameters);
  yield* entries;
  const lines: string[] = [];
  for (let i = 0; i < input.source.size; i++) {
    const example = input.source.get(i);
    const line = pairLine(input.source, example, i);
    yield [line.image, encodePng(example.image)];
    lines.push(JSON.stringify(line));
  }
  yield [PAIRS_FILE, encoder.encode(`${lines.join("\n")}\n`)];
  yield [RUN_FILE, encoder.encode(`${JSON.stringify(run, null, 2)}\n`)];
  yield ["README.md", encoder.encode(bundleReadme(run))];
}

/** The whole bundle in memory (zip it with `zipFiles` for a download). */
export async function writeRunBundle(input: RunBundleInput): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for await (const [path, bytes] of runBundleEntries(input)) files.set(path, bytes);
  return files;
}
