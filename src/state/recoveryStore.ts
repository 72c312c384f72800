import * as Comlink from "comlink";
import { create } from "zustand";
import { labWorker, onLabWorkerError, restartLabWorker } from "../worker/client.js";
import type { FaultEvent } from "../worker/recovery.js";
import type { TrainingEvent } from "../worker/trainingApi.js";
import { useBackendStore } from "./backendStore.js";
import { useClipStore } from "./clipStore.js";
import { answersWithin, type ResumeOffer, resumableCheckpoint, startHeartbeat } from "./heartbeat.js";
import { modelReload } from "./modelReload.js";
import { connectTrainingEvents, trainingEventTaps, useTrainingStore } from "./trainingStore.js";

/** How long a worker that reported an uncaught error has to answer before it counts as dead. */
const CONFIRM_MS = 5000;
const HEARTBEAT = { intervalMs: 5000, timeoutMs: 10_000, missesAllowed: 2 };

export type NoticeKind = "device-lost" | "worker-crashed" | "recovered" | "failed";

interface RecoveryState {
  /** What happened and what the app did about it (shown until dismissed). */
  notice?: { kind: NoticeKind; text: string };
  recovering: boolean;
  /** A checkpointed run that can be resumed (after a reload, or a restart without the model). */
  offer?: ResumeOffer;
  /** Steps skipped for a non-finite loss or gradient in this run, and the last few of them. */
  skipped: { count: number; steps: number[] };
  /** Set while checkpoint writes fail (a full disk: training goes on without them). */
  checkpointError?: string;
  resume(): Promise<void>;
  discard(): Promise<void>;
  dismiss(): void;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const testHooksOn = () =>
  typeof location !== "undefined" && new URLSearchParams(location.search).get("testHooks") === "1";

export const useRecoveryStore = create<RecoveryState>((set, get) => ({
  recovering: false,
  skipped: { count: 0, steps: [] },
  resume: async () => {
    const offer = get().offer;
    if (!offer || get().recovering) return;
    set({ recovering: true });
    try {
      const step = await resumeRun(false);
      set({ offer: undefined, notice: { kind: "recovered", text: `Resumed the run from step ${step}.` } });
    } catch (e) {
      set({ notice: { kind: "failed", text: `Could not resume the run: ${errorText(e)}` } });
    } finally {
      set({ recovering: false });
    }
  },
  discard: async () => {
    set({ offer: undefined });
    await labWorker().discardCheckpoint();
  },
  dismiss: () => set({ notice: undefined }),
}));

/** Tells the new worker what the page wants of it: faults, training events, test hooks. */
function connect(): void {
  const worker = labWorker();
  if (testHooksOn()) void worker.enableTestHooks();
  void worker.subscribeFaults(Comlink.proxy(onFault));
  connectTrainingEvents();
}

/**
 * Restores the checkpoint into the loaded model on the backend the page would train on, and
 * runs on (or stays paused). The chart keeps only the steps before the checkpoint.
 */
async function resumeRun(paused: boolean): Promise<number> {
  const training = useTrainingStore.getState();
  const config = training.runConfig ?? training.config;
  const info = resumableCheckpoint(await labWorker().checkpointInfo());
  if (!info) throw new Error("no checkpoint of an unfinished run is stored");
  useTrainingStore.setState({ preparing: true });
  try {
    await useBackendStore.getState().prepareForRun(info.batchSize);
  } finally {
    useTrainingStore.setState({ preparing: false });
  }
  const step = await labWorker().resumeRun(config.data, paused);
  useTrainingStore.setState((s) => ({
    history: s.history.filter((h) => h.step < step),
    evals: s.evals.filter((e) => e.step <= step),
    runConfig: s.runConfig ?? config,
    restored: undefined,
  }));
  return step;
}

let recovering = false;

/**
 * A worker that died (or lost its GPU) is replaced: a fresh worker (a fresh device, or wasm
 * when WebGPU will not start again), the same model, and the run from its last checkpoint.
 */
async function recover(kind: "device-lost" | "worker-crashed", what: string): Promise<void> {
  if (recovering) return;
  recovering = true;
  const set = useRecoveryStore.setState;
  const training = useTrainingStore.getState();
  const wasActive = training.status === "running" || training.status === "paused";
  // A run the worker paused itself as the device went (a failed or non-finite step) was running.
  const pausedByFault =
    training.status === "paused" && /stopped by an error|non-finite/.test(training.message ?? "");
  const wasPaused = training.status === "paused" && !pausedByFault;
  set({ recovering: true, notice: { kind, text: `${what}. Restarting the worker…` } });
  restartLabWorker();
  connect();
  useClipStore.setState({ backend: undefined });
  if (wasActive) useTrainingStore.setState({ status: "paused", message: `${what}.` });
  try {
    await useClipStore.getState().initBackend();
    const reload = modelReload();
    if (reload) await reload();
    if (!reload || useClipStore.getState().error) {
      useClipStore.setState({ model: undefined });
      const offer = resumableCheckpoint(await labWorker().checkpointInfo());
      if (wasActive) useTrainingStore.setState({ status: "stopped" });
      set({
        offer,
        notice: {
          kind: "failed",
          text: `${what}. The worker was restarted, but the model could not be loaded again: load it, then resume${offer ? ` from step ${offer.step}` : ""}.`,
        },
      });
      return;
    }
    if (!wasActive) {
      set({
        notice: { kind: "recovered", text: `${what}. The worker was restarted and the model reloaded.` },
      });
      return;
    }
    try {
      const step = await resumeRun(wasPaused);
      const backend = useClipStore.getState().backend?.backend ?? "?";
      set({
        notice: {
          kind: "recovered",
          text: `${what}. The worker was restarted on ${backend} and the run resumed from its checkpoint at step ${step}.`,
        },
      });
    } catch (e) {
      useTrainingStore.setState({ status: "stopped" });
      set({
        notice: {
          kind: "failed",
          text: `${what}. The run could not be resumed: ${errorText(e)}. Start it again.`,
        },
      });
    }
  } catch (e) {
    set({ notice: { kind: "failed", text: `${what}. Restarting the worker failed: ${errorText(e)}` } });
  } finally {
    recovering = false;
    set({ recovering: false });
  }
}

function onFault(event: FaultEvent): void {
  const detail = event.message ? `: ${event.message}` : "";
  void recover("device-lost", `The GPU device was lost (${event.reason}${detail})`);
}

/** An uncaught error: the worker is dead only if it then stops answering. */
async function onWorkerError(message: string): Promise<void> {
  if (recovering) return;
  if (await answersWithin(labWorker().status(), CONFIRM_MS)) return;
  void recover("worker-crashed", `The worker crashed (${message})`);
}

function onTrainingEvent(event: TrainingEvent): void {
  const set = useRecoveryStore.setState;
  if (event.type === "steps") {
    const skipped = event.steps.filter((s) => !s.applied).map((s) => s.step);
    if (skipped.length > 0)
      set((s) => ({
        skipped: {
          count: s.skipped.count + skipped.length,
          steps: [...s.skipped.steps, ...skipped].slice(-10),
        },
      }));
  } else if (event.type === "checkpoint") {
    set({ checkpointError: event.error });
  } else if (event.type === "status" && event.status === "running") {
    set({ offer: undefined });
  }
}

let started = false;

/**
 * Browser start-up: watches the worker (uncaught errors, a heartbeat during runs, a lost GPU
 * device) and offers the checkpoint of a run the last session did not finish. Idempotent.
 */
export async function startRecovery(): Promise<void> {
  if (started) return;
  started = true;
  connect();
  trainingEventTaps.add(onTrainingEvent);
  onLabWorkerError((message) => void onWorkerError(message));
  // A new run (Start empties the history) counts its skipped steps from zero.
  useTrainingStore.subscribe((s, prev) => {
    if (s.history.length === 0 && prev.history.length > 0)
      useRecoveryStore.setState({ skipped: { count: 0, steps: [] }, checkpointError: undefined });
  });
  startHeartbeat({
    ...HEARTBEAT,
    ping: () => labWorker().status(),
    active: () => !recovering && useTrainingStore.getState().status === "running",
    onDead: () => void recover("worker-crashed", "The worker stopped answering"),
  });
  const offer = resumableCheckpoint(await labWorker().checkpointInfo());
  if (offer && useTrainingStore.getState().status === "idle") useRecoveryStore.setState({ offer });
}
