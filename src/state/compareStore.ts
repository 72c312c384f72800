import * as Comlink from "comlink";
import { create } from "zustand";
import { labWorker } from "../worker/client.js";
import type { TrainingEvent } from "../worker/trainingApi.js";
import { useClipStore } from "./clipStore.js";
import {
  applyTrainingEvent,
  BASE_MODEL_RUN,
  type CompareRun,
  type CompareSettings,
  createRun,
  DEFAULT_COMPARE_SETTINGS,
  isFinished,
  nextQueued,
  type RunEnd,
  restoreRuns,
  runConfigFor,
  runEndOf,
} from "./compareQueue.js";
import { loadRecord, saveRecord, throttle } from "./persist.js";
import { useTrainingStore } from "./trainingStore.js";

interface CompareState {
  /** Settings the next queued runs get (a run keeps the settings it was queued with). */
  settings: CompareSettings;
  runs: CompareRun[];
  /** The queue is working through its runs. */
  active: boolean;
  /** Stop was asked: the current run ends, the queue halts after it. */
  stopping: boolean;
  message?: string;
  nextId: number;
  setSettings(patch: Partial<CompareSettings>): void;
  /** Appends one queued run per objective (BASE_MODEL_RUN: evaluate the base model only). */
  enqueue(objectives: string[]): void;
  remove(id: string): void;
  clearFinished(): void;
  /** Runs the queued runs one after another until none is left or Stop. */
  start(): Promise<void>;
  /** Stops the running run (marked cancelled); the queued ones stay queued. */
  stop(): Promise<void>;
}

/** The run whose training events arrive now, and how to tell the runner that it ended. */
let activeRunId: string | undefined;
let endRun: ((end: RunEnd) => void) | undefined;
let subscribed = false;

export const useCompareStore = create<CompareState>((set, get) => {
  const patchRun = (id: string, change: (run: CompareRun) => CompareRun) =>
    set((s) => ({ runs: s.runs.map((r) => (r.id === id ? change(r) : r)) }));
  const patch = (id: string, fields: Partial<CompareRun>) => patchRun(id, (r) => ({ ...r, ...fields }));

  const onEvent = (event: TrainingEvent) => {
    const id = activeRunId;
    if (!id) return;
    patchRun(id, (r) => applyTrainingEvent(r, event));
    if (event.type === "status") {
      const end = runEndOf(event);
      if (end) endRun?.(end);
    }
  };
  const worker = () => {
    const w = labWorker();
    if (!subscribed) {
      subscribed = true;
      void w.subscribeCompare(Comlink.proxy(onEvent));
    }
    return w;
  };

  /** Trains (unless it is the base-model entry) and evaluates one run; never throws. */
  const execute = async (run: CompareRun) => {
    const w = worker();
    activeRunId = run.id;
    try {
      patch(run.id, {
        status: "running",
        model: useClipStore.getState().model?.name,
        startedAt: Date.now(),
        message: undefined,
      });
      const config =
        run.objective === BASE_MODEL_RUN ? undefined : runConfigFor(useTrainingStore.getState().config, run);
      patch(run.id, { config });
      if (!config) await w.resetToBaseModel();
      else {
        const ended = new Promise<RunEnd>((resolve) => {
          endRun = resolve;
        });
        await w.startCompareRun(config);
        const end = await ended;
        if (end.kind === "stopped") {
          const byUser = get().stopping;
          patch(run.id, {
            status: "cancelled",
            finishedAt: Date.now(),
            message: byUser ? "stopped" : "stopped outside the queue (a Train-tab run or a model load)",
          });
          if (!byUser) set({ active: false, message: "The queue paused: its run was stopped from outside." });
          return;
        }
        if (end.kind === "failed") {
          await w.stop();
          patch(run.id, { status: "failed", finishedAt: Date.now(), message: end.message });
          return;
        }
      }
      patch(run.id, { status: "evaluating" });
      const final = await w.evaluateHeldout({ n: run.settings.heldoutN, seed: 0 });
      patch(run.id, { status: "done", final, finishedAt: Date.now() });
    } catch (e) {
      patch(run.id, {
        status: "failed",
        finishedAt: Date.now(),
        message: e instanceof Error ? e.message : String(e),
      });
    } finally {
      activeRunId = undefined;
      endRun = undefined;
    }
  };

  return {
    settings: DEFAULT_COMPARE_SETTINGS,
    runs: [],
    active: false,
    stopping: false,
    nextId: 1,
    setSettings: (p) => set((s) => ({ settings: { ...s.settings, ...p } })),
    enqueue: (objectives) =>
      set((s) => {
        const added = objectives.map((o, i) => createRun(`run-${s.nextId + i}`, o, s.settings));
        return { runs: [...s.runs, ...added], nextId: s.nextId + added.length, message: undefined };
      }),
    remove: (id) =>
      set((s) => ({
        runs: s.runs.filter((r) => r.id !== id || r.status === "running" || r.status === "evaluating"),
      })),
    clearFinished: () => set((s) => ({ runs: s.runs.filter((r) => !isFinished(r)) })),
    start: async () => {
      if (get().active) return;
      if (!useClipStore.getState().model) {
        set({ message: "Load a model first." });
        return;
      }
      if (!nextQueued(get().runs)) {
        set({ message: "Nothing is queued: add objectives first." });
        return;
      }
      set({ active: true, stopping: false, message: undefined });
      while (get().active) {
        const run = nextQueued(get().runs);
        if (!run) break;
        await execute(run);
      }
      const wasStopped = get().stopping;
      set((s) => ({
        active: false,
        stopping: false,
        message: s.message ?? (wasStopped ? "Stopped." : "The queue is done."),
      }));
    },
    stop: async () => {
      if (!get().active) return;
      set({ active: false, stopping: true });
      // Training ends now; an evaluation in progress finishes first.
      if (activeRunId && get().runs.find((r) => r.id === activeRunId)?.status === "running")
        await worker().stop();
    },
  };
});

const STORAGE_KEY = "compare";

interface SavedQueue {
  version: 1;
  settings: CompareSettings;
  runs: CompareRun[];
  nextId: number;
}

function intAtLeast(value: unknown, fallback: number, min = 1): number {
  return typeof value === "number" && Number.isInteger(value) && value >= min ? value : fallback;
}

/** Settings from untrusted JSON: every usable field kept, the rest default. */
export function sanitizeSettings(value: unknown): CompareSettings {
  const v = (value && typeof value === "object" ? value : {}) as Partial<CompareSettings>;
  const d = DEFAULT_COMPARE_SETTINGS;
  return {
    steps: intAtLeast(v.steps, d.steps),
    batchSize: intAtLeast(v.batchSize, d.batchSize),
    seed: intAtLeast(v.seed, d.seed, Number.MIN_SAFE_INTEGER),
    evalEvery: intAtLeast(v.evalEvery, d.evalEvery, 0),
    heldoutN: intAtLeast(v.heldoutN, d.heldoutN),
  };
}

/** A saved queue, or undefined when the record is not one; malformed runs are dropped. */
export function parseSavedQueue(value: unknown): SavedQueue | undefined {
  if (!value || typeof value !== "object") return undefined;
  const v = value as Partial<SavedQueue>;
  if (v.version !== 1 || !Array.isArray(v.runs)) return undefined;
  const runs = v.runs.filter(
    (r): r is CompareRun =>
      Boolean(r) &&
      typeof r.id === "string" &&
      typeof r.objective === "string" &&
      typeof r.status === "string" &&
      Array.isArray(r.history) &&
      Array.isArray(r.evals),
  );
  // Ids stay unique even if the saved counter is behind the saved runs.
  const usedIds = runs.map((r) => Number(/^run-(\d+)$/.exec(r.id)?.[1] ?? 0));
  return {
    version: 1,
    settings: sanitizeSettings(v.settings),
    runs: restoreRuns(runs.map((r) => ({ ...r, settings: sanitizeSettings(r.settings) }))),
    nextId: Math.max(intAtLeast(v.nextId, 1), ...usedIds.map((n) => n + 1)),
  };
}

let hydrated = false;

/** Restores the saved queue (once per page), then keeps it saved. */
export async function hydrateCompareStore(): Promise<void> {
  if (hydrated) return;
  hydrated = true;
  const saved = parseSavedQueue(await loadRecord(STORAGE_KEY));
  if (saved && useCompareStore.getState().runs.length === 0) {
    useCompareStore.setState({ settings: saved.settings, runs: saved.runs, nextId: saved.nextId });
  }
  const saver = throttle(() => {
    const { settings, runs, nextId } = useCompareStore.getState();
    void saveRecord(STORAGE_KEY, { version: 1, settings, runs, nextId } satisfies SavedQueue);
  }, 3000);
  useCompareStore.subscribe((s, prev) => {
    if (s.runs !== prev.runs || s.settings !== prev.settings) saver.schedule();
    if (s.active !== prev.active) saver.flush();
  });
  if (typeof addEventListener === "function") addEventListener("pagehide", () => saver.flush());
}
