/// <reference lib="webworker" />
import * as Comlink from "comlink";
import { clipApi } from "./clipApi.js";
import { trainingApi } from "./trainingApi.js";

/** The page's one worker: model, embeddings and training, all off the main thread. */
const api = {
  ...clipApi,
  ...trainingApi,
  /** A new model ends any run on the old one (its variables are disposed). */
  async loadModel(source: Parameters<typeof clipApi.loadModel>[0]) {
    await trainingApi.stop();
    return clipApi.loadModel(source);
  },
};

export type LabWorkerApi = typeof api;
Comlink.expose(api);
