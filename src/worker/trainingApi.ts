import * as tf from "@tensorflow/tfjs";
import { runBenchmark } from "../core/eval/benchmark.js";
import { shapesBenchmarkExamples } from "../core/eval/shapesHeldout.js";
import type { SerializedState } from "../core/losses/objective.js";
import { decodeCheckpoint, encodeCheckpoint } from "../core/train/checkpoint.js";
import { parseTrainConfig, type TrainConfig } from "../core/train/config.js";
import { type StepMetrics, Trainer } from "../core/train/trainer.js";
import { runTrainingSource } from "./runData.js";
import { requireModel, session } from "./session.js";
import { isQuotaError, loadBlob, saveBlob } from "./storage.js";

export type RunStatus = "idle" | "running" | "paused" | "stopped" | "done";

/** One step's numbers plus the throughput and memory the UI shows next to them. */
export interface StepEvent extends StepMetrics {
  msPerStep: number;
  examplesPerSecond: number;
  numTensors: number;
  numBytes: number;
}

export type TrainingEvent =
  | { type: "steps"; steps: StepEvent[] }
  | { type: "status"; status: RunStatus; step: number; totalSteps: number; epoch: number; message?: string }
  | { type: "eval"; step: number; result: Awaited<ReturnType<typeof runBenchmark>> }
  | { type: "checkpoint"; step: number; store?: string; error?: string }
  | { type: "warning"; message: string };

/** How often metrics are read and posted: never more than every 100 ms. */
const POST_INTERVAL_MS = 100;
/** Non-finite steps in a row that pause the run. */
const MAX_SKIPPED_IN_A_ROW = 3;
/** The current run's last checkpoint (./recovery.ts resumes from it after a crash or reload). */
export const CHECKPOINT_FILE = "current-run.safetensors";

let trainer: Trainer | undefined;
let status: RunStatus = "idle";
let listener: ((event: TrainingEvent) => void) | undefined;
let skippedInARow = 0;
let lastReadAt = 0;
let stepsSinceRead = 0;
let loop: Promise<void> | undefined;

function emit(event: TrainingEvent) {
  listener?.(event);
}

function emitStatus(message?: string) {
  emit({
    type: "status",
    status,
    step: trainer?.stepsDone ?? 0,
    totalSteps: trainer?.config.steps ?? 0,
    epoch: trainer?.cursor.epoch ?? 0,
    message,
  });
}

async function flushMetrics(): Promise<void> {
  if (!trainer || stepsSinceRead === 0) return;
  const now = performance.now();
  const metrics = await trainer.readMetrics();
  const msPerStep = (now - lastReadAt) / Math.max(1, stepsSinceRead);
  lastReadAt = performance.now();
  stepsSinceRead = 0;
  const memory = tf.memory();
  const steps = metrics.map((m) => ({
    ...m,
    msPerStep,
    examplesPerSecond: (trainer!.config.batchSize * 1000) / msPerStep,
    numTensors: memory.numTensors,
    numBytes: memory.numBytes,
  }));
  emit({ type: "steps", steps });
  for (const m of metrics) {
    skippedInARow = m.applied ? 0 : skippedInARow + 1;
    if (!m.applied)
      emit({ type: "warning", message: `step ${m.step}: loss or gradient was not finite; step skipped` });
  }
  if (skippedInARow >= MAX_SKIPPED_IN_A_ROW && status === "running") {
    status = "paused";
    emitStatus(
      `${skippedInARow} steps in a row had a non-finite loss or gradient; paused. Lower the learning rate and resume.`,
    );
  }
}

async function checkpointNow(): Promise<void> {
  if (!trainer) return;
  try {
    const store = await saveBlob(CHECKPOINT_FILE, encodeCheckpoint(await trainer.checkpoint()));
    emit({ type: "checkpoint", step: trainer.stepsDone, store });
  } catch (e) {
    const error = isQuotaError(e)
      ? "browser storage is full: training continues without checkpoints"
      : `checkpoint failed: ${(e as Error).message}`;
    emit({ type: "checkpoint", step: trainer.stepsDone, error });
  }
}

async function evaluateNow(): Promise<void> {
  if (!trainer) return;
  const model = requireModel();
  const data = shapesBenchmarkExamples({
    split: "heldout",
    n: 100,
    seed: 0,
    imageSize: model.config.vision_config.image_size,
  });
  emit({
    type: "eval",
    step: trainer.stepsDone,
    result: await runBenchmark(model, data, { candidates: 100 }),
  });
}

/** One step plus the periodic work around it (metrics, evaluation, checkpoint). */
async function stepOnce(): Promise<void> {
  const t = trainer!;
  t.step();
  stepsSinceRead += 1;
  if (performance.now() - lastReadAt >= POST_INTERVAL_MS) await flushMetrics();
  const { evalEvery, checkpointEvery, steps } = t.config;
  if (evalEvery > 0 && t.stepsDone % evalEvery === 0) await evaluateNow();
  if (checkpointEvery > 0 && t.stepsDone % checkpointEvery === 0) await checkpointNow();
  if (t.stepsDone >= steps) {
    await flushMetrics();
    status = "done";
    emitStatus("finished");
  }
}

async function runLoop(): Promise<void> {
  lastReadAt = performance.now();
  while (status === "running") {
    await stepOnce();
    // Yield so pause/stop messages are handled between steps.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  await flushMetrics();
}

function startLoop() {
  status = "running";
  emitStatus();
  loop = runLoop().catch((e: Error) => {
    status = "paused";
    emitStatus(`training stopped by an error: ${e.message}`);
  });
}

export const trainingApi = {
  /** Receives every training event (a comlink proxy from the page). */
  subscribe(callback: (event: TrainingEvent) => void): void {
    listener = callback;
  },

  /** Creates a trainer on the loaded model and the built-in world's train split, then runs it. */
  async startTraining(
    options: Partial<TrainConfig> & { data?: string },
    startPaused = false,
  ): Promise<TrainConfig> {
    await trainingApi.stop();
    const model = requireModel();
    const config = parseTrainConfig(options);
    const { source } = await runTrainingSource(options.data, {
      seed: config.seed,
      size: config.steps * config.batchSize,
      imageSize: model.config.vision_config.image_size,
    });
    trainer = new Trainer(model.params, model.config, model.tokenizer, source, config);
    await trainer.prepare(); // image negatives: the visual dictionary
    skippedInARow = 0;
    stepsSinceRead = 0;
    if (startPaused) {
      status = "paused";
      emitStatus();
    } else startLoop();
    return config;
  },

  async pause(): Promise<void> {
    if (status !== "running") return;
    status = "paused";
    await loop;
    await checkpointNow();
    emitStatus();
  },

  async resume(): Promise<void> {
    if (status === "paused" && trainer) startLoop();
  },

  async step(): Promise<void> {
    if (!trainer || status === "running" || status === "done") return;
    lastReadAt = performance.now();
    await stepOnce();
    await flushMetrics();
    if ((status as RunStatus) !== "done") {
      status = "paused";
      emitStatus();
    }
  },

  async stop(): Promise<void> {
    if (!trainer) return;
    status = "stopped";
    await loop;
    emitStatus();
    trainer.dispose();
    trainer = undefined;
  },

  /** Learning rate and loss weights may change while paused. */
  async update(changes: { lr?: number; objectiveOptions?: Record<string, unknown> }): Promise<void> {
    if (!trainer) throw new Error("no training run");
    if (status === "running") throw new Error("pause the run before changing its settings");
    trainer.update(changes);
    emitStatus(`updated ${Object.keys(changes).join(" and ")}`);
  },

  /** Restores the last checkpoint of the current run into the trainer. */
  async restoreCheckpoint(): Promise<number> {
    if (!trainer) throw new Error("no training run");
    const bytes = await loadBlob(CHECKPOINT_FILE);
    if (!bytes) throw new Error("no checkpoint saved yet");
    trainer.restore(decodeCheckpoint(bytes));
    emitStatus(`restored step ${trainer.stepsDone}`);
    return trainer.stepsDone;
  },

  status(): { status: RunStatus; step: number; modelName?: string } {
    return { status, step: trainer?.stepsDone ?? 0, modelName: session.modelName };
  },
};

/**
 * The paused (or finished) run's carried objective state (e.g. CE-CLIP's thresholds) and its
 * objective, for a run bundle (./bundleApi.ts); undefined unless such a run took a step.
 */
export async function pausedObjectiveState(): Promise<
  { objective: string; step: number; state: SerializedState } | undefined
> {
  if (!trainer || (status !== "paused" && status !== "done") || trainer.stepsDone === 0) return undefined;
  const { objectiveState, step, config } = await trainer.checkpoint();
  return { objective: config.objective, step, state: objectiveState };
}
