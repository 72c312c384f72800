/// <reference lib="webworker" />
import * as Comlink from "comlink";
import { parseTrainConfig } from "../core/train/config.js";
import { clipApi } from "./clipApi.js";
import {
  adoptNewModel,
  exportApi,
  recordRunStart,
  recordTrainingEvent,
  resetRunRecord,
} from "./exportApi.js";
import { probeApi } from "./probeApi.js";
import { samplesApi } from "./samplesApi.js";
import { type TrainingEvent, trainingApi } from "./trainingApi.js";

/** The page's subscriber; the worker keeps its own record of every event too (for export). */
let pageListener: ((event: TrainingEvent) => void) | undefined;
trainingApi.subscribe((event) => {
  recordTrainingEvent(event);
  pageListener?.(event);
});

/** The page's one worker: model, embeddings and training, all off the main thread. */
const api = {
  ...clipApi,
  ...trainingApi,
  ...probeApi,
  ...samplesApi,
  ...exportApi,
  /** A new model ends any run on the old one (its variables are disposed) and becomes the base. */
  async loadModel(source: Parameters<typeof clipApi.loadModel>[0]) {
    await trainingApi.stop();
    const summary = await clipApi.loadModel(source);
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
    recordRunStart(parseTrainConfig(args[0]));
    return trainingApi.startTraining(...args);
  },
};

export type LabWorkerApi = typeof api;
Comlink.expose(api);
