import * as tf from "@tensorflow/tfjs";
import { createClipFromScratch } from "../clip/create.js";
import { disposeClip, type LoadedClip, loadClip } from "../clip/index.js";
import {
  countBackendDispatches,
  dispatchesSoFar,
  type FusedSetting,
  fusedKernelsActive,
  fusedKernelsSetting,
  setFusedKernels,
} from "../clip/kernels/index.js";
import { straightforwardOps } from "../clip/kernels/switch.js";
import { shapesExampleSource } from "../data/shapesWorld/source.js";
import { decodeBase64 } from "../io/base64.js";
import type { ExampleSource } from "./batches.js";
import { parseTrainConfig } from "./config.js";
import { Trainer } from "./trainer.js";

/**
 * Timing of one real training step (Trainer.step: batch upload, both towers, CE-CLIP,
 * gradients, AdamW), shared by `npm run bench` in Node and the harness page in Chromium,
 * so every backend measures the same code. The spec is plain JSON so it crosses
 * page.evaluate.
 */
export type BenchModelSpec =
  /** An HF model folder, each file base64-encoded. */
  | { kind: "files"; files: Record<string, string> }
  /** A CLIP initialised from scratch (createClipFromScratch). */
  | { kind: "scratch"; config: unknown; tokenizerFiles: Record<string, string>; seed: number };

export interface StepBenchSpec {
  model: BenchModelSpec;
  batchSize: number;
  /** Untimed steps first (kernel compilation, allocation). */
  warmupSteps: number;
  timedSteps: number;
  /** Also count the kernels of one extra step with tf.profile. */
  profile: boolean;
  /** Fused WebGPU kernels for this run (default: the current setting; see clip/kernels). */
  fused?: FusedSetting;
  /**
   * benchPaths: also time the straightforward path (setFusedKernels(false)) with this many
   * timed steps (and at most one warm-up), interleaved with the fast path's steps.
   */
  straightforwardSteps?: number;
}

export interface StepBenchResult {
  backend: string;
  parameters: number;
  batchSize: number;
  /** Captions + hard negatives per step. */
  textsPerStep: number;
  /**
   * Token columns of a step's texts after trimming to the batch's longest (median over the
   * bench's batches); PyTorch's step in the bench is given rows of this length.
   */
  textLength: number;
  msPerStep: number[];
  medianMs: number;
  /** Kernels launched by one step (tf.profile), null when not profiled. */
  kernels: number | null;
  /** GPU dispatches of that profiled step (WebGPU only; a kernel may dispatch 0 or several). */
  dispatches: number | null;
  /** Whether the model ran on the fused WebGPU kernels. */
  fused: boolean;
  /** The fast path (default) or the straightforward one (setFusedKernels(false)). */
  path?: "fast" | "straightforward";
  /** Live tensors after the warm-up and after the timed steps: equal when nothing leaks. */
  tensorsAfterWarmup: number;
  tensorsAfterTimed: number;
}

export async function loadBenchModel(spec: BenchModelSpec): Promise<LoadedClip> {
  if (spec.kind === "scratch") return createClipFromScratch(spec.config, spec.tokenizerFiles, spec.seed);
  const files = new Map(Object.entries(spec.files).map(([name, text]) => [name, decodeBase64(text)]));
  return loadClip(files, { trainable: true });
}

/** A few batches of shapes-world scenes rendered up front, so timing excludes the rasteriser. */
function prerenderedSource(batchSize: number, imageSize: number): ExampleSource {
  const base = shapesExampleSource({ split: "train", seed: 0, size: 4 * batchSize, imageSize });
  const examples = Array.from({ length: base.size }, (_, i) => base.get(i));
  return { ...base, get: (i) => examples[i] };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median over consecutive batches of the longest text's token count (captions and negatives). */
function batchTextLength(source: ExampleSource, model: LoadedClip, batchSize: number): number {
  const longest: number[] = [];
  for (let start = 0; start + batchSize <= source.size; start += batchSize) {
    let length = 0;
    for (let i = start; i < start + batchSize; i++) {
      const example = source.get(i);
      for (const text of [example.caption, ...example.negatives])
        length = Math.max(length, model.tokenizer.tokenize(text).length);
    }
    longest.push(Math.min(length, model.tokenizer.contextLength));
  }
  return median(longest);
}

/**
 * A CE-CLIP trainer on pre-rendered batches of B scenes (B captions, K*B negatives) and a
 * timer of one whole step; the worker's backend measurement uses it one step at a time.
 */
export function createStepTimer(
  model: LoadedClip,
  batchSize: number,
): { trainer: Trainer; timeStep(): Promise<number>; textLength: number } {
  const source = prerenderedSource(batchSize, model.config.vision_config.image_size);
  // A long schedule without warm-up: the learning rate has no effect on the cost of a step.
  const config = parseTrainConfig({
    objective: "ceclip",
    steps: 1_000_000,
    batchSize,
    warmupSteps: 0,
    evalEvery: 0,
    checkpointEvery: 0,
  });
  const trainer = new Trainer(model.params, model.config, model.tokenizer, source, config);
  // Reading the metrics back waits for the device, so each time covers the whole step.
  const timeStep = async () => {
    const started = performance.now();
    trainer.step();
    await trainer.readMetrics();
    return performance.now() - started;
  };
  return { trainer, timeStep, textLength: Math.round(batchTextLength(source, model, batchSize)) };
}

/** Times CE-CLIP training steps (B images, B captions, K*B negatives) on the current backend. */
export async function benchTrainingStep(spec: StepBenchSpec): Promise<StepBenchResult> {
  if (spec.timedSteps < 1) throw new Error("timedSteps must be at least 1");
  const previousFused = fusedKernelsSetting();
  if (spec.fused !== undefined) setFusedKernels(spec.fused);
  const onWebgpu = tf.getBackend() === "webgpu";
  if (onWebgpu) countBackendDispatches(tf.backend());
  const model = await loadBenchModel(spec.model);
  const { trainer, timeStep, textLength } = createStepTimer(model, spec.batchSize);
  try {
    for (let i = 0; i < spec.warmupSteps; i++) await timeStep();
    const tensorsAfterWarmup = tf.memory().numTensors;
    const msPerStep: number[] = [];
    for (let i = 0; i < spec.timedSteps; i++) msPerStep.push(await timeStep());
    const tensorsAfterTimed = tf.memory().numTensors;
    let kernels: number | null = null;
    let dispatches: number | null = null;
    if (spec.profile) {
      const before = dispatchesSoFar();
      const info = await tf.profile(() => trainer.step());
      await trainer.readMetrics();
      kernels = info.kernels.length;
      if (onWebgpu) dispatches = dispatchesSoFar() - before;
    }
    return {
      backend: tf.getBackend(),
      parameters: trainer.trainableParameterCount,
      batchSize: spec.batchSize,
      textsPerStep: spec.batchSize * (1 + trainer.numNegativeTypes),
      textLength,
      msPerStep,
      medianMs: median(msPerStep),
      kernels,
      dispatches,
      fused: fusedKernelsActive(),
      path: straightforwardOps() ? "straightforward" : "fast",
      tensorsAfterWarmup,
      tensorsAfterTimed,
    };
  } finally {
    trainer.dispose();
    disposeClip(model);
    setFusedKernels(previousFused);
  }
}

/**
 * The fast path and, when `spec.straightforwardSteps` is set, the straightforward path
 * (setFusedKernels(false)) of the same step, timed in alternation so that other load on
 * the machine weighs on both alike: [fast] or [fast, straightforward].
 */
export async function benchPaths(spec: StepBenchSpec): Promise<StepBenchResult[]> {
  const slowSteps = spec.straightforwardSteps ?? 0;
  if (slowSteps < 1) return [await benchTrainingStep(spec)];
  const previousFused = fusedKernelsSetting();
  const onWebgpu = tf.getBackend() === "webgpu";
  if (onWebgpu) countBackendDispatches(tf.backend());
  const paths: FusedSetting[] = ["auto", false];
  const runs: (ReturnType<typeof createStepTimer> & { model: LoadedClip })[] = [];
  const on = async <T>(i: number, f: () => Promise<T>): Promise<T> => {
    setFusedKernels(paths[i]);
    try {
      return await f();
    } finally {
      setFusedKernels(previousFused);
    }
  };
  try {
    for (const i of [0, 1]) {
      const model = await loadBenchModel(spec.model);
      runs.push({ model, ...(await on(i, async () => createStepTimer(model, spec.batchSize))) });
    }
    const time = (i: number) => on(i, () => runs[i].timeStep());
    for (let s = 0; s < spec.warmupSteps; s++) {
      await time(0);
      if (s < 1) await time(1);
    }
    const tensorsAfterWarmup = tf.memory().numTensors;
    const msPerStep: number[][] = [[], []];
    for (let s = 0; s < Math.max(spec.timedSteps, slowSteps); s++) {
      if (s < slowSteps) msPerStep[1].push(await time(1));
      if (s < spec.timedSteps) msPerStep[0].push(await time(0));
    }
    const tensorsAfterTimed = tf.memory().numTensors;
    const results: StepBenchResult[] = [];
    for (const [i, { trainer, textLength }] of runs.entries()) {
      let kernels: number | null = null;
      let dispatches: number | null = null;
      if (spec.profile) {
        const before = dispatchesSoFar();
        const info = await on(i, async () => {
          const profile = await tf.profile(() => trainer.step());
          await trainer.readMetrics();
          return profile;
        });
        kernels = info.kernels.length;
        if (onWebgpu) dispatches = dispatchesSoFar() - before;
      }
      results.push({
        backend: tf.getBackend(),
        parameters: trainer.trainableParameterCount,
        batchSize: spec.batchSize,
        textsPerStep: spec.batchSize * (1 + trainer.numNegativeTypes),
        textLength,
        msPerStep: msPerStep[i],
        medianMs: median(msPerStep[i]),
        kernels,
        dispatches,
        fused: await on(i, async () => fusedKernelsActive()),
        path: i === 0 ? "fast" : "straightforward",
        tensorsAfterWarmup,
        tensorsAfterTimed,
      });
    }
    return results;
  } finally {
    for (const { trainer, model } of runs) {
      trainer.dispose();
      disposeClip(model);
    }
    setFusedKernels(previousFused);
  }
}
