import * as Comlink from "comlink";
import { create } from "zustand";
import type { BenchmarkResult } from "../core/eval/benchmark.js";
import { labWorker } from "../worker/client.js";
import type { RunStatus, StepEvent, TrainingEvent } from "../worker/trainingApi.js";
import { startBackendChoice, useBackendStore } from "./backendStore.js";
import { compactHistory, loadSession, saveSession, throttle } from "./persist.js";
import {
  DEFAULT_RUN_CONFIG,
  defaultRunConfig,
  liveChanges,
  type RunConfig,
  readRunConfigFromUrl,
  sanitizeRunConfig,
  setField,
  withObjective,
  writeRunConfigToUrl,
} from "./runConfig.js";

export type { RunConfig } from "./runConfig.js";

export interface EvalRecord {
  step: number;
  result: BenchmarkResult;
}

/** What a paused run accepts (the worker's `update`). */
export interface LiveUpdate {
  lr?: number;
  objectiveOptions?: Record<string, unknown>;
}

interface TrainingState {
  /** The run configuration being edited (sidebar); the next Start uses it. */
  config: RunConfig;
  /** The configuration of the current (or last) run, live updates included. */
  runConfig?: RunConfig;
  status: RunStatus;
  /** Start was pressed: the backends are being measured or the worker moved before the run. */
  preparing?: boolean;
  step: number;
  totalSteps: number;
  epoch: number;
  message?: string;
  /** Step metrics, oldest first; long runs are thinned (persist.ts `compactHistory`). */
  history: StepEvent[];
  evals: EvalRecord[];
  warnings: string[];
  lastCheckpoint?: { step: number; store?: string; error?: string };
  /** Set when the history was restored from the last session rather than a live run. */
  restored?: { savedAt: number };
  setConfig(config: RunConfig): void;
  setField(path: string, value: unknown): void;
  setObjective(objective: string): void;
  resetConfig(): void;
  start(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stepOnce(): Promise<void>;
  stop(): Promise<void>;
  /** Changes the learning rate and objective options of the paused run. */
  update(changes: LiveUpdate): Promise<void>;
  /** Sends the form's live-editable differences from the running config (if any). */
  applyLiveChanges(): Promise<void>;
  clearHistory(): void;
}

/** The worker whose events the store receives (a restarted worker is subscribed anew). */
let subscribedTo: object | undefined;
/** Also told every training event (src/state/recoveryStore.ts: skipped steps, full storage). */
export const trainingEventTaps = new Set<(event: TrainingEvent) => void>();
let connectWorker = () => {};
/** Subscribes the store to the current lab worker's events (after a restart). */
export function connectTrainingEvents(): void {
  connectWorker();
}

/**
 * Step metrics reach the history (and so every chart) at most this often; the step counter
 * follows each event. Re-rendering the charts 10 times a second blocked the main thread.
 */
export const HISTORY_FLUSH_MS = 1000;

export const useTrainingStore = create<TrainingState>((set, get) => {
  let pendingSteps: StepEvent[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  const flushSteps = () => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    if (pendingSteps.length === 0) return;
    const steps = pendingSteps;
    pendingSteps = [];
    set((s) => ({ history: compactHistory(s.history.concat(steps)) }));
  };
  const onEvent = (event: TrainingEvent) => {
    for (const tap of trainingEventTaps) tap(event);
    switch (event.type) {
      case "steps": {
        if (event.steps.length === 0) break;
        const last = event.steps[event.steps.length - 1];
        pendingSteps.push(...event.steps);
        flushTimer ??= setTimeout(flushSteps, HISTORY_FLUSH_MS);
        set({ step: last.step + 1, epoch: last.epoch });
        break;
      }
      case "status":
        // A pause, stop or end shows the run's last numbers at once.
        flushSteps();
        set({
          status: event.status,
          step: event.step,
          totalSteps: event.totalSteps,
          epoch: event.epoch,
          message: event.message,
        });
        break;
      case "eval":
        set((s) => ({ evals: [...s.evals, { step: event.step, result: event.result }] }));
        break;
      case "checkpoint":
        set({ lastCheckpoint: event });
        break;
      case "warning":
        set((s) => ({ warnings: [...s.warnings.slice(-19), event.message] }));
        break;
    }
  };
  const worker = () => {
    const w = labWorker();
    if (subscribedTo !== w) {
      subscribedTo = w;
      void w.subscribe(Comlink.proxy(onEvent));
    }
    return w;
  };
  connectWorker = () => void worker();
  const guard = async (action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (e) {
      set({ message: e instanceof Error ? e.message : String(e) });
    }
  };
  const update = async (changes: LiveUpdate) => {
    if (changes.lr === undefined && !changes.objectiveOptions) return;
    await worker().update(changes);
    set((s) => {
      const base = s.runConfig ?? s.config;
      return {
        runConfig: {
          ...base,
          lr: changes.lr ?? base.lr,
          objectiveOptions: { ...base.objectiveOptions, ...changes.objectiveOptions },
        },
      };
    });
  };
  const applyLive = async () => {
    const { config, runConfig, status } = get();
    if (!runConfig || status !== "paused") return;
    await update(liveChanges(config, runConfig));
  };
  return {
    config: DEFAULT_RUN_CONFIG,
    status: "idle",
    step: 0,
    totalSteps: 0,
    epoch: 0,
    history: [],
    evals: [],
    warnings: [],
    setConfig: (config) => set({ config }),
    setField: (path, value) => set((s) => ({ config: setField(s.config, path, value) })),
    setObjective: (objective) => set((s) => ({ config: withObjective(s.config, objective) })),
    resetConfig: () => set({ config: defaultRunConfig() }),
    start: () =>
      guard(async () => {
        const config = get().config;
        pendingSteps = [];
        set({
          history: [],
          evals: [],
          warnings: [],
          message: undefined,
          lastCheckpoint: undefined,
          restored: undefined,
          runConfig: config,
          preparing: true,
        });
        try {
          // Train on the fastest measured backend (or the user's pick).
          await useBackendStore.getState().prepareForRun(config.batchSize);
        } finally {
          set({ preparing: false });
        }
        await worker().startTraining(config);
      }),
    pause: () => guard(() => worker().pause()),
    resume: () =>
      guard(async () => {
        await applyLive();
        await worker().resume();
      }),
    stepOnce: () =>
      guard(async () => {
        await applyLive();
        await worker().step();
      }),
    stop: () => guard(() => worker().stop()),
    update: (changes) => guard(() => update(changes)),
    applyLiveChanges: () => guard(applyLive),
    clearHistory: () => set({ history: [], evals: [], warnings: [], restored: undefined }),
  };
});

let hydrated = false;

/**
 * Browser start-up: the config from the URL (else from the saved session), the saved
 * metrics, then keeps the URL and the saved session up to date. Idempotent.
 */
export async function hydrateTrainingStore(): Promise<void> {
  if (hydrated) return;
  hydrated = true;
  const fromUrl = readRunConfigFromUrl();
  if (fromUrl?.present) {
    useTrainingStore.setState({
      config: fromUrl.config,
      message:
        fromUrl.rejected.length > 0
          ? `ignored unusable settings in the link: ${fromUrl.rejected.join(", ")}`
          : undefined,
    });
  }
  const session = await loadSession();
  const state = useTrainingStore.getState();
  if (session && state.status === "idle" && state.history.length === 0) {
    const config = sanitizeRunConfig(session.config);
    useTrainingStore.setState({
      ...(fromUrl?.present ? {} : { config }),
      runConfig: config,
      history: compactHistory(session.history as StepEvent[]),
      evals: session.evals as EvalRecord[],
      step: session.step,
      totalSteps: session.totalSteps,
      epoch: session.epoch,
      restored: session.history.length > 0 ? { savedAt: session.savedAt } : undefined,
    });
  }
  startPersistence();
  startBackendChoice({
    batchSize: () => useTrainingStore.getState().config.batchSize,
    runActive: () => {
      const { status, preparing } = useTrainingStore.getState();
      return status === "running" || status === "paused" || Boolean(preparing);
    },
    subscribe: (listener) => useTrainingStore.subscribe(listener),
  });
}

function startPersistence() {
  const saver = throttle(() => {
    const s = useTrainingStore.getState();
    void saveSession({
      config: s.config,
      history: s.history,
      evals: s.evals,
      step: s.step,
      totalSteps: s.totalSteps,
      epoch: s.epoch,
    });
  }, 5000);
  const urlWriter = throttle(() => writeRunConfigToUrl(useTrainingStore.getState().config), 300);
  writeRunConfigToUrl(useTrainingStore.getState().config);
  useTrainingStore.subscribe((s, prev) => {
    if (s.config !== prev.config) urlWriter.schedule();
    if (s.history !== prev.history || s.evals !== prev.evals || s.config !== prev.config) saver.schedule();
    if (s.status !== prev.status && s.status !== "running") saver.flush();
  });
  if (typeof addEventListener === "function") {
    addEventListener("pagehide", () => {
      urlWriter.flush();
      saver.flush();
    });
  }
}
