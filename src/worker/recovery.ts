import * as tf from "@tensorflow/tfjs";
import { decodeCheckpoint } from "../core/train/checkpoint.js";
import type { TrainConfig } from "../core/train/config.js";
import { loadBlob, removeBlob } from "./storage.js";
import { CHECKPOINT_FILE, trainingApi } from "./trainingApi.js";

/** A fault the worker saw that the page must act on (the page restarts the worker). */
export interface FaultEvent {
  type: "device-lost";
  /** GPUDeviceLostInfo: "destroyed" or "unknown", and the browser's message. */
  reason: string;
  message: string;
}

/** The stored checkpoint of the current run, as the page offers it for resumption. */
export type CheckpointInfo =
  | { step: number; totalSteps: number; objective: string; batchSize: number }
  | { error: string };

let faultListener: ((event: FaultEvent) => void) | undefined;
const watched = new WeakSet<object>();

/**
 * Listens for the loss of the WebGPU device of the current backend (once per device). A lost
 * device takes every tensor on it: the page restarts the worker rather than patch tfjs up.
 */
export function watchDeviceLoss(): void {
  if (tf.getBackend() !== "webgpu") return;
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  if (!device || watched.has(device)) return;
  watched.add(device);
  void device.lost.then((info) => {
    faultListener?.({ type: "device-lost", reason: info.reason ?? "unknown", message: info.message });
  });
}

/** The stored run's configuration (live changes included), or an error when there is none. */
export async function checkpointConfig(): Promise<TrainConfig> {
  const bytes = await loadBlob(CHECKPOINT_FILE);
  if (!bytes) throw new Error("no checkpoint was saved for this run");
  return decodeCheckpoint(bytes).config;
}

/**
 * Starts the checkpointed run again on the loaded model, restores weights, optimiser,
 * objective state and data cursor, then runs on (or stays paused). Returns the step it
 * continues from.
 */
export async function resumeFromCheckpoint(
  config: TrainConfig,
  data?: string,
  paused = false,
): Promise<number> {
  await trainingApi.startTraining({ ...config, data }, true);
  const step = await trainingApi.restoreCheckpoint();
  watchDeviceLoss();
  if (!paused) await trainingApi.resume();
  return step;
}

export const recoveryApi = {
  /** Receives faults (a comlink proxy from the page). */
  subscribeFaults(callback: (event: FaultEvent) => void): void {
    faultListener = callback;
    watchDeviceLoss();
  },

  /** What the stored checkpoint holds, without restoring it; undefined when there is none. */
  async checkpointInfo(): Promise<CheckpointInfo | undefined> {
    const bytes = await loadBlob(CHECKPOINT_FILE);
    if (!bytes) return undefined;
    try {
      const { step, config } = decodeCheckpoint(bytes);
      return { step, totalSteps: config.steps, objective: config.objective, batchSize: config.batchSize };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  },

  async discardCheckpoint(): Promise<void> {
    await removeBlob(CHECKPOINT_FILE);
  },
};
