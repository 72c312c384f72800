/// <reference lib="webworker" />
import * as Comlink from "comlink";
import { parseTrainConfig } from "../core/train/config.js";
import { backendApi } from "./backendApi.js";
import { benchmarkImportApi } from "./benchmarkImportApi.js";
import { bundleApi } from "./bundleApi.js";
import { clipApi } from "./clipApi.js";
import { compareApi, forwardToCompare } from "./compareApi.js";
import {
  adoptNewModel,
  exportApi,
  recordRunStart,
  recordTrainingEvent,
  resetRunRecord,
} from "./exportApi.js";
import { faultHooksApi } from "./faultHooks.js";
import { probeApi } from "./probeApi.js";
import { checkpointConfig, recoveryApi, resumeFromCheckpoint, watchDeviceLoss } from "./recovery.js";
import { samplesApi } from "./samplesApi.js";
import { removeBlob } from "./storage.js";
import { CHECKPOINT_FILE, type TrainingEvent, trainingApi } from "./trainingApi.js";
import { uploadApi } from "./uploadApi.js";

/** The page's subscriber; the worker keeps its own record of every event too (for export). */
let pageListener: ((event: TrainingEvent) => void) | undefined;
trainingApi.subscribe((event) => {
  recordTrainingEvent(event);
  // A Compare-tab run reports to the Compare tab only (./compareApi.ts).
  if (!forwardToCompare(event)) pageListener?.(event);
});

/** The page's one worker: model, embeddings and training, all off the main thread. */
const api = {
  ...clipApi,
  ...trainingApi,
  ...probeApi,
  ...samplesApi,
  ...exportApi,
  ...compareApi,
  ...backendApi,
  ...uploadApi,
  ...benchmarkImportApi,
  ...bundleApi,
  ...recoveryApi,
  ...faultHooksApi,
  /** Each backend start is watched for a lost GPU device (./recovery.ts). */
  async init(...args: Parameters<typeof clipApi.init>) {
    const report = await clipApi.init(...args);
    watchDeviceLoss();
    return report;
  },
  async useBackend(...args: Parameters<typeof backendApi.useBackend>) {
    const report = await backendApi.useBackend(...args);
    watchDeviceLoss();
    return report;
  },
  /** A new model ends any run on the old one (its variables are disposed) and becomes the base. */
  async loadModel(...args: Parameters<typeof clipApi.loadModel>) {
    await trainingApi.stop();
    const summary = await clipApi.loadModel(...args);
    watchDeviceLoss();
    adoptNewModel();
    resetRunRecord();
    return summary;
  },
  subscribe(callback: (event: TrainingEvent) => void): void {
    pageListener = callback;
  },
  /** The worker's run record restarts with the run (after the old run's last metrics came in). */
  async startTraining(...args: Parameters<typeof trainingApi.startTraining>) {
    await trainingApi.stop();
    // A new run must never be resumed from the last run's checkpoint.
    await removeBlob(CHECKPOINT_FILE);
    recordRunStart(parseTrainConfig(args[0]));
    return trainingApi.startTraining(...args);
  },
  /** After a crash, a lost device or a reload: the run continues from its checkpoint. */
  async resumeRun(data?: string, paused = false): Promise<number> {
    await trainingApi.stop();
    const config = await checkpointConfig();
    recordRunStart(config);
    return resumeFromCheckpoint(config, data, paused);
  },
};

export type LabWorkerApi = typeof api;
Comlink.expose(api);
