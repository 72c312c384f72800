/// <reference lib="webworker" />
import * as Comlink from "comlink";
import { loadClip } from "../core/clip/index.js";
import { benchPaths, createStepTimer, type StepBenchSpec } from "../core/train/benchStep.js";
import { type BackendName, chooseBackend } from "./backend.js";

/**
 * A short-lived worker that times training steps on ONE backend, so the lab worker's own
 * backend and model stay untouched, and a step that runs too long is stopped by terminating
 * this worker (a running wasm or cpu step cannot be interrupted otherwise).
 */
let timer: ReturnType<typeof createStepTimer> | undefined;

const api = {
  /** Starts `backend`, loads the model files and builds a trainer at `batchSize`. */
  async prepare(
    backend: BackendName,
    files: Record<string, Uint8Array>,
    batchSize: number,
  ): Promise<{ detail?: string; software?: boolean }> {
    const report = await chooseBackend([backend]);
    const model = await loadClip(new Map(Object.entries(files)), { trainable: true });
    timer = createStepTimer(model, batchSize);
    const a = report.adapter;
    const adapterName = a
      ? [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(" ")
      : "";
    return { detail: report.detail ?? (adapterName || undefined), software: a?.isSoftware };
  },

  /**
   * `npm run bench`'s Chromium-worker case: starts `backend` (wasm's threaded build with
   * `threads` threads when given; the app's choice otherwise) and times `spec` as Node does.
   */
  async benchStep(backend: BackendName, spec: StepBenchSpec, threads?: number) {
    const report = await chooseBackend([backend], { wasmThreads: threads });
    return { results: await benchPaths(spec), detail: report.detail };
  },

  /** One whole training step (upload, both towers, CE-CLIP, gradients, AdamW), in ms. */
  async step(): Promise<number> {
    if (!timer) throw new Error("prepare the bench worker first");
    return timer.timeStep();
  },
};

export type BenchWorkerApi = typeof api;
Comlink.expose(api);
