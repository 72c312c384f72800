import type { ClipConfig, TextConfig, VisionConfig } from "../clip/config.js";
import { isLoraFactor, loraLinears } from "../clip/lora.js";
import { expectedParameterShapes } from "../clip/weights.js";
import { type FreezeConfig, isTrainable, type LoraConfig } from "./config.js";

/**
 * Memory a training step needs, estimated before training, and what to change when it does
 * not fit. Everything is float32 (4 bytes). The activation figures are what tfjs 4.22 keeps:
 * its tape holds every saved forward tensor until the backward pass has used it, so they are
 * far above a hand count of one layer's tensors (see the constants below).
 */

const FLOAT = 4;

/**
 * Float32 elements the forward and backward pass hold per element of a layer's hidden states
 * [N, L, D], MLP activations [N, L, I] and attention scores [N, H, L, L], and per hidden-state
 * element of a tower outside its layers (embeddings, final norm, pooling, projection). Fitted
 * to the peak physical bytes (each buffer once; tf.memory().numBytes also counts views) of
 * full fine-tuning steps on tfjs 4.22: 13 configurations of the tiny model (batch 2-16, 1-3
 * layers, widths 48-128, MLP 96-256, 4-8 heads, 17-65 patches, 16-32 tokens), all within 3 %.
 */
const HIDDEN_COPIES = 57.5;
const MLP_COPIES = 10.5;
const SCORE_COPIES = 4.65;
const TOWER_HIDDEN_COPIES = 19.5;
/**
 * A tower's activations when the gradient flows through k of its n layers: the forward share
 * (0.40 with no gradient) plus the rest times (k/n)^1.5 (measured: 0.20, 0.56 and 1 of the
 * rest for k = 1, 2, 3 of 3 layers; 0.36 for 1 of 2). The share was 0.535 before LayerNorm's
 * gradient was written out (ops.ts), which keeps fewer forward tensors; refitted on the
 * last-block case of memoryPlanner.test.ts.
 */
const FORWARD_SHARE = 0.4;
const BACKPROP_EXPONENT = 1.5;
/** LoRA's own rank-r tensors on top of the same activations (measured +2-4 %). */
const LORA_ACTIVATION_FACTOR = 1.04;
/**
 * Trainable-sized float vectors alive at once inside one FlatAdamW step (measured 29.5: the
 * concatenated gradient, moments, bias corrections and the blended results, all in one tidy).
 */
const ADAMW_STEP_COPIES = 29.5;
/** The fused WebGPU AdamW kernel (../clip/kernels/adamw.ts) makes new weights, m and v: 3 (counted). */
const FUSED_ADAMW_STEP_COPIES = 3;

export interface MemoryLimits {
  /** GPUDevice limits (WebGPU only): every tensor is one buffer and must fit both. */
  maxBufferSize?: number;
  maxStorageBufferBindingSize?: number;
  /** Memory the backend can use in all, in bytes (GPU memory as the user knows it, the wasm heap cap...). */
  deviceMemory: number;
  /** The share of deviceMemory to plan for (default 0.7): the browser and other tabs need some too. */
  safeFraction?: number;
}

export interface PlanInput {
  model: ClipConfig;
  batchSize: number;
  freeze: FreezeConfig;
  lora: LoraConfig;
  /** Texts encoded per image: 1 + K when the objective uses K hard negatives per caption. */
  textsPerImage: number;
  /** Images encoded per pair: 2 when the objective adds a negative image per image. */
  imagesPerPair?: number;
  /** The objective keeps an EMA teacher: a second copy of the weights and a forward pass of it. */
  teacher?: boolean;
  /** The objective uses token features (projected tokens of both towers and their gradients). */
  tokens?: boolean;
  /** AdamW runs as the fused WebGPU kernel rather than plain tfjs ops. */
  fusedOptimizer?: boolean;
}

export interface TowerActivations {
  tower: "text" | "vision";
  /** Sequences encoded per step (N) and their length (L). */
  sequences: number;
  length: number;
  layers: number;
  /** Layers the gradient flows through (from the first trainable one, or every layer under LoRA). */
  backpropLayers: number;
  /** Element counts of one layer's hidden states, MLP activations and attention scores. */
  hiddenElements: number;
  mlpElements: number;
  scoreElements: number;
  bytes: number;
}

export interface MemoryEstimate {
  parameterCount: number;
  loraParameterCount: number;
  trainableCount: number;
  /** Every weight, LoRA adapters included. */
  parameterBytes: number;
  gradientBytes: number;
  /** AdamW's m and v plus its weight-decay mask. */
  optimizerStateBytes: number;
  teacherBytes: number;
  activations: { text: TowerActivations; vision: TowerActivations; bytes: number };
  /** Transient buffers of the AdamW update. */
  optimizerStepBytes: number;
  /** Held between steps: weights, optimizer state, teacher. What tf.memory() shows after a step. */
  residentBytes: number;
  /** The step's high-water mark: resident plus the larger of the two phases. */
  peakBytes: number;
  largestBuffer: { name: string; bytes: number };
}

export interface Suggestion {
  /** A short imperative: "Use LoRA rank 8 at batch 16". */
  label: string;
  /** Run-configuration fields to set (dotted paths, as the run config form uses). */
  changes: Record<string, number | boolean>;
  peakBytes: number;
  fits: boolean;
}

export interface MemoryPlan {
  estimate: MemoryEstimate;
  /** deviceMemory x safeFraction. */
  budgetBytes: number;
  fits: boolean;
  /** Why it does not fit, one line each. */
  problems: string[];
  /** Only when it does not fit: changes that would, best first. */
  suggestions: Suggestion[];
}

const count = (shape: number[]) => shape.reduce((n, d) => n * d, 1);

function towerOf(name: string): "text" | "vision" | undefined {
  if (name.startsWith("text_model.") || name === "text_projection.weight") return "text";
  if (name.startsWith("vision_model.") || name === "visual_projection.weight") return "vision";
  return undefined;
}

/** Layers the gradient passes through in a tower: from its first trainable parameter on. */
function backpropLayers(names: string[], tower: "text" | "vision", layers: number): number {
  let first = Number.POSITIVE_INFINITY;
  for (const name of names) {
    if (towerOf(name) !== tower) continue;
    const block = /\.encoder\.layers\.(\d+)\./.exec(name);
    if (block) first = Math.min(first, Number(block[1]));
    else if (/\.embeddings\.|pre_layrnorm/.test(name)) first = -1;
  }
  return Number.isFinite(first) ? layers - Math.max(0, first) : 0;
}

function towerActivations(
  tower: "text" | "vision",
  c: TextConfig | VisionConfig,
  sequences: number,
  length: number,
  backprop: number,
  lora: boolean,
): TowerActivations {
  const layers = c.num_hidden_layers;
  const hiddenElements = sequences * length * c.hidden_size;
  const mlpElements = sequences * length * c.intermediate_size;
  const scoreElements = sequences * c.num_attention_heads * length * length;
  const perLayer = HIDDEN_COPIES * hiddenElements + MLP_COPIES * mlpElements + SCORE_COPIES * scoreElements;
  const share = FORWARD_SHARE + (1 - FORWARD_SHARE) * (backprop / layers) ** BACKPROP_EXPONENT;
  const layerFloats = perLayer * layers * share;
  const headFloats = TOWER_HIDDEN_COPIES * hiddenElements * share;
  const floats = (layerFloats + headFloats) * (lora ? LORA_ACTIVATION_FACTOR : 1);
  return {
    tower,
    sequences,
    length,
    layers,
    backpropLayers: backprop,
    hiddenElements,
    mlpElements,
    scoreElements,
    bytes: FLOAT * floats,
  };
}

/** Estimates the memory of one training step (see the file comment for where the numbers come from). */
export function estimateMemory(input: PlanInput): MemoryEstimate {
  const { model, batchSize, freeze } = input;
  const useLora = input.lora.rank > 0;
  const shapes = new Map(expectedParameterShapes(model));
  if (useLora) {
    for (const [prefix, [outDim, inDim]] of loraLinears(model)) {
      shapes.set(`${prefix}.lora_A`, [input.lora.rank, inDim]);
      shapes.set(`${prefix}.lora_B`, [outDim, input.lora.rank]);
    }
  }
  let parameterCount = 0;
  let loraParameterCount = 0;
  let trainableCount = 0;
  const trainableNames: string[] = [];
  let largestWeight = { name: "", bytes: 0 };
  for (const [name, shape] of shapes) {
    const n = count(shape);
    if (isLoraFactor(name)) loraParameterCount += n;
    else parameterCount += n;
    if (FLOAT * n > largestWeight.bytes) largestWeight = { name: `weight ${name}`, bytes: FLOAT * n };
    if (isTrainable(name, freeze, model, input.lora)) {
      trainableCount += n;
      trainableNames.push(name);
    }
  }
  const t = model.text_config;
  const v = model.vision_config;
  const patches = (v.image_size / v.patch_size) ** 2;
  const textSequences = batchSize * input.textsPerImage;
  const imageSequences = batchSize * (input.imagesPerPair ?? 1);
  // Under LoRA every layer carries adapters, so the gradient flows through all of them.
  const textBackprop = useLora && !freeze.textTower ? t.num_hidden_layers : 0;
  const visionBackprop = useLora && !freeze.visionTower ? v.num_hidden_layers : 0;
  const text = towerActivations(
    "text",
    t,
    textSequences,
    t.max_position_embeddings,
    useLora ? textBackprop : backpropLayers(trainableNames, "text", t.num_hidden_layers),
    useLora,
  );
  const vision = towerActivations(
    "vision",
    v,
    imageSequences,
    patches + 1,
    useLora ? visionBackprop : backpropLayers(trainableNames, "vision", v.num_hidden_layers),
    useLora,
  );
  let activationBytes = text.bytes + vision.bytes;
  // Token features: the projected tokens of every sequence, their gradients and the loss's own.
  if (input.tokens) {
    const tokenElements =
      textSequences * t.max_position_embeddings * model.projection_dim +
      imageSequences * patches * model.projection_dim;
    activationBytes += FLOAT * 4 * tokenElements;
  }
  // The teacher's forward pass runs in the step's scope: its activations live until the step ends.
  if (input.teacher) {
    activationBytes +=
      FORWARD_SHARE *
      (towerActivations("text", t, textSequences, t.max_position_embeddings, 0, false).bytes +
        towerActivations("vision", v, imageSequences, patches + 1, 0, false).bytes);
  }

  const parameterBytes = FLOAT * (parameterCount + loraParameterCount);
  const gradientBytes = FLOAT * trainableCount;
  const optimizerStateBytes = 3 * FLOAT * trainableCount;
  const teacherBytes = input.teacher ? parameterBytes : 0;
  const optimizerStepBytes =
    (input.fusedOptimizer ? FUSED_ADAMW_STEP_COPIES : ADAMW_STEP_COPIES) * FLOAT * trainableCount;
  const residentBytes = parameterBytes + optimizerStateBytes + teacherBytes;
  const peakBytes =
    residentBytes + Math.max(activationBytes + gradientBytes, gradientBytes + optimizerStepBytes);

  const buffers: { name: string; bytes: number }[] = [
    largestWeight,
    { name: "AdamW's flat vector of the trainable parameters", bytes: FLOAT * trainableCount },
    { name: "text MLP activations of one layer", bytes: FLOAT * text.mlpElements },
    { name: "text attention scores of one layer", bytes: FLOAT * text.scoreElements },
    { name: "vision MLP activations of one layer", bytes: FLOAT * vision.mlpElements },
    { name: "vision attention scores of one layer", bytes: FLOAT * vision.scoreElements },
  ];
  const largestBuffer = buffers.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  return {
    parameterCount,
    loraParameterCount,
    trainableCount,
    parameterBytes,
    gradientBytes,
    optimizerStateBytes,
    teacherBytes,
    activations: { text, vision, bytes: activationBytes },
    optimizerStepBytes,
    residentBytes,
    peakBytes,
    largestBuffer,
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${units[unit]}`;
}

function problemsOf(estimate: MemoryEstimate, limits: MemoryLimits, budget: number): string[] {
  const problems: string[] = [];
  const fraction = Math.round(100 * (limits.safeFraction ?? 0.7));
  if (estimate.peakBytes > budget) {
    problems.push(
      `the step needs about ${formatBytes(estimate.peakBytes)} at its peak, over the budget of ` +
        `${formatBytes(budget)} (${fraction} % of ${formatBytes(limits.deviceMemory)})`,
    );
  }
  const { name, bytes } = estimate.largestBuffer;
  for (const [limit, value] of [
    ["maxStorageBufferBindingSize", limits.maxStorageBufferBindingSize],
    ["maxBufferSize", limits.maxBufferSize],
  ] as const) {
    if (value !== undefined && bytes > value) {
      problems.push(
        `${name} (${formatBytes(bytes)}) is larger than the GPU's ${limit} (${formatBytes(value)})`,
      );
    }
  }
  return problems;
}

interface Strategy {
  label: string;
  changes: Record<string, number | boolean>;
  input: PlanInput;
}

/** The largest batch (at most the current one) at which the strategy fits, or undefined. */
function largestFittingBatch(
  strategy: Strategy,
  fits: (input: PlanInput) => boolean,
): { batch: number; input: PlanInput } | undefined {
  let low = 1;
  let high = strategy.input.batchSize;
  if (!fits({ ...strategy.input, batchSize: low })) return undefined;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits({ ...strategy.input, batchSize: mid })) low = mid;
    else high = mid - 1;
  }
  return { batch: low, input: { ...strategy.input, batchSize: low } };
}

/** The other ways to train, each a change of the run configuration (none that is the current one). */
function strategies(input: PlanInput): Strategy[] {
  const { freeze, lora, model } = input;
  const plain = { ...freeze, textTower: false, visionTower: false, lastBlocks: 0 };
  const noLora = { rank: 0, alpha: lora.alpha };
  const out: Strategy[] = [];
  const layers = Math.min(model.text_config.num_hidden_layers, model.vision_config.num_hidden_layers);
  for (let n = layers - 1; n >= 1; n--) {
    if (n === freeze.lastBlocks && lora.rank === 0) continue;
    out.push({
      label: `Train only the last ${n} block${n > 1 ? "s" : ""} and the projections`,
      changes: { "freeze.lastBlocks": n, "lora.rank": 0 },
      input: { ...input, freeze: { ...plain, lastBlocks: n }, lora: noLora },
    });
  }
  if (lora.rank === 0) {
    out.push({
      label: "Use LoRA rank 8",
      changes: { "lora.rank": 8, "lora.alpha": 16 },
      input: { ...input, lora: { rank: 8, alpha: 16 } },
    });
  }
  for (const tower of ["text", "vision"] as const) {
    const key = tower === "text" ? "textTower" : "visionTower";
    if (freeze[key] && lora.rank === 0) continue;
    out.push({
      label: `Freeze the ${tower} tower`,
      changes: { [`freeze.${key}`]: true, "lora.rank": 0 },
      input: { ...input, freeze: { ...freeze, [key]: true }, lora: noLora },
    });
  }
  return out;
}

/**
 * The estimate against the limits; when it does not fit, what would: a smaller batch, LoRA,
 * training only the last blocks, or a frozen tower, each at the largest batch that fits.
 * Suggestions that keep the batch come first, then by the batch they allow.
 */
export function planMemory(input: PlanInput, limits: MemoryLimits): MemoryPlan {
  const budgetBytes = limits.deviceMemory * (limits.safeFraction ?? 0.7);
  const estimate = estimateMemory(input);
  const problems = problemsOf(estimate, limits, budgetBytes);
  const fits = (candidate: PlanInput) =>
    problemsOf(estimateMemory(candidate), limits, budgetBytes).length === 0;
  const suggestions: Suggestion[] = [];
  if (problems.length > 0) {
    const current: Strategy = { label: "Lower the batch size", changes: {}, input };
    const found = new Map<string, Suggestion & { batch: number }>();
    for (const strategy of [current, ...strategies(input)]) {
      const result = largestFittingBatch(strategy, fits);
      if (!result) continue;
      const keepsBatch = result.batch === input.batchSize;
      const label =
        strategy === current
          ? `Lower the batch size to ${result.batch}`
          : `${strategy.label}${keepsBatch ? "" : ` at batch ${result.batch}`}`;
      const changes = keepsBatch ? strategy.changes : { ...strategy.changes, batchSize: result.batch };
      const key = JSON.stringify(changes);
      if (!found.has(key))
        found.set(key, {
          label,
          changes,
          peakBytes: estimateMemory(result.input).peakBytes,
          fits: true,
          batch: result.batch,
        });
    }
    // One "last n blocks" suggestion: the most blocks that fit at the best batch.
    let lastBlocksSeen = false;
    for (const s of [...found.values()].sort((a, b) => b.batch - a.batch)) {
      const isLastBlocks = "freeze.lastBlocks" in s.changes;
      if (isLastBlocks && lastBlocksSeen) continue;
      lastBlocksSeen ||= isLastBlocks;
      const { batch: _batch, ...suggestion } = s;
      suggestions.push(suggestion);
    }
  }
  return { estimate, budgetBytes, fits: problems.length === 0, problems, suggestions };
}
