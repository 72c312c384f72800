import * as tf from "@tensorflow/tfjs";
import * as Comlink from "comlink";
import { exportClipFiles, type LoadedClip } from "../core/clip/index.js";
import { type BackendReport, chooseBackend, unavailableReason } from "./backend.js";
import { type BackendMeasurement, type BackendName, MEASURE_ORDER, stepBoundMs } from "./backendChoice.js";
import type { BenchWorkerApi } from "./benchWorker.js";
import { requireModel, session } from "./session.js";
import { trainingApi } from "./trainingApi.js";

/** Starting a backend and loading the model into it (not a step) may take this long. */
const PREPARE_CAP_MS = 30_000;
const TIMED_OUT = Symbol("timed out");
const ABORTED = Symbol("aborted");

/** The promise's value, or TIMED_OUT after `ms`, or ABORTED when `signal` fires first. */
function within<T>(promise: Promise<T>, ms: number, signal: AbortSignal) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort = () => {};
  const stop = new Promise<typeof TIMED_OUT | typeof ABORTED>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
    onAbort = () => resolve(ABORTED);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort);
  });
  return Promise.race([promise, stop]).finally(() => {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
  });
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/**
 * Times a first and a second training step of the model on `backend`, in a worker of its
 * own, each step bounded by the measurements `done` so far (stepBoundMs).
 */
async function measureOne(
  backend: BackendName,
  files: Record<string, Uint8Array>,
  batchSize: number,
  done: readonly BackendMeasurement[],
  signal: AbortSignal,
): Promise<BackendMeasurement | undefined> {
  const reason = await unavailableReason(backend);
  if (reason) return { backend, status: "unavailable", reason };
  const worker = new Worker(new URL("./benchWorker.ts", import.meta.url), {
    type: "module",
    name: `bench-${backend}`,
  });
  const bench = Comlink.wrap<BenchWorkerApi>(worker);
  try {
    const prepared = await within(bench.prepare(backend, files, batchSize), PREPARE_CAP_MS, signal);
    if (prepared === ABORTED) return undefined;
    if (prepared === TIMED_OUT)
      return { backend, status: "failed", reason: `did not start within ${seconds(PREPARE_CAP_MS)}` };
    const base = { backend, detail: prepared.detail, software: prepared.software };
    const firstBound = stepBoundMs(done, backend, "first");
    const first = await within(bench.step(), firstBound, signal);
    if (first === ABORTED) return undefined;
    if (first === TIMED_OUT)
      return {
        ...base,
        status: "too-slow",
        boundMs: firstBound,
        reason: `the first step ran over ${seconds(firstBound)} and was stopped`,
      };
    const timedBound = stepBoundMs(done, backend, "timed");
    const timed = await within(bench.step(), timedBound, signal);
    if (timed === ABORTED) return undefined;
    if (timed === TIMED_OUT)
      return {
        ...base,
        status: "too-slow",
        firstStepMs: first,
        boundMs: timedBound,
        reason: `a step ran over ${seconds(timedBound)} and was stopped`,
      };
    return { ...base, status: "measured", firstStepMs: first, msPerStep: timed };
  } catch (e) {
    return { backend, status: "failed", reason: e instanceof Error ? e.message : String(e) };
  } finally {
    bench[Comlink.releaseProxy]();
    // Also ends a step still running (the reason a step is bounded at all).
    worker.terminate();
  }
}

interface HostParam {
  name: string;
  data: Float32Array | Int32Array | Uint8Array;
  shape: number[];
  dtype: tf.DataType;
  variable: boolean;
  trainable: boolean;
}

async function readParams(model: LoadedClip): Promise<HostParam[]> {
  // Asynchronous reads: dataSync on WebGPU can return zeros (README, tfjs workarounds).
  return Promise.all(
    [...model.params].map(async ([name, t]) => ({
      name,
      data: (await t.data()) as HostParam["data"],
      shape: t.shape,
      dtype: t.dtype,
      variable: t instanceof tf.Variable,
      trainable: t instanceof tf.Variable && t.trainable,
    })),
  );
}

/** Replaces the model's tensors (same Map, same kinds) by copies on the current backend. */
function recreateParams(model: LoadedClip, host: HostParam[]): void {
  for (const p of host) {
    const value = tf.tensor(p.data, p.shape, p.dtype);
    const next = p.variable ? tf.variable(value, p.trainable) : value;
    if (p.variable) value.dispose();
    model.params.get(p.name)?.dispose();
    model.params.set(p.name, next);
  }
}

let measuring: AbortController | undefined;

export const backendApi = {
  /**
   * Times one training step of the loaded model at `batchSize` on every backend (wasm,
   * webgpu, cpu), reporting each result as it comes. A newer call or `cancelMeasurement`
   * ends this one (its unfinished backends stay "pending").
   */
  async measureBackends(
    batchSize: number,
    onProgress?: (measurements: BackendMeasurement[]) => void,
  ): Promise<BackendMeasurement[]> {
    measuring?.abort();
    const controller = new AbortController();
    measuring = controller;
    const files = Object.fromEntries(await exportClipFiles(requireModel()));
    const results: BackendMeasurement[] = MEASURE_ORDER.map((backend) => ({ backend, status: "pending" }));
    try {
      for (let i = 0; i < results.length; i++) {
        if (controller.signal.aborted) break;
        results[i] = { ...results[i], status: "measuring" };
        onProgress?.([...results]);
        const result = await measureOne(results[i].backend, files, batchSize, results, controller.signal);
        results[i] = result ?? { ...results[i], status: "pending" };
        onProgress?.([...results]);
      }
    } finally {
      if (measuring === controller) measuring = undefined;
    }
    return results;
  },

  cancelMeasurement(): void {
    measuring?.abort();
  },

  /**
   * Moves the worker (the model and its base copy) to `backend`. Refused during a run: the
   * optimiser state lives on the old backend. A backend that cannot start leaves all as is.
   */
  async useBackend(backend: BackendName): Promise<BackendReport> {
    const { status } = trainingApi.status();
    if (status === "running" || status === "paused")
      throw new Error("stop the run before changing the backend");
    if (session.backend?.backend === backend && tf.getBackend() === backend) return session.backend;
    // A finished run's trainer holds optimiser tensors on the old backend.
    await trainingApi.stop();
    const models = [session.model, session.baseModel].filter((m): m is LoadedClip => m !== undefined);
    const host = await Promise.all(models.map(readParams));
    const report = await chooseBackend([backend]);
    models.forEach((m, i) => {
      recreateParams(m, host[i]);
    });
    session.backend = report;
    return report;
  },
};
