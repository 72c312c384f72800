import * as Comlink from "comlink";
import { create } from "zustand";
import {
  type BackendChoice,
  type BackendMeasurement,
  type BackendName,
  type BackendOverride,
  pickTrainingBackend,
} from "../worker/backendChoice.js";
import { labWorker } from "../worker/client.js";
import { useClipStore } from "./clipStore.js";

export const BACKEND_NAMES: BackendName[] = ["webgpu", "wasm", "cpu"];
/** The override's key in the page URL (`?backend=wasm`); absent means automatic. */
export const BACKEND_URL_KEY = "backend";

interface BackendState {
  /** "auto": train on the fastest measured backend; else the user's pick. */
  override: BackendOverride;
  measurements: BackendMeasurement[];
  /** The model architecture (modelKey) and batch size the measurements are for. */
  measuredFor?: { model: string; batchSize: number };
  /** The batch size being measured now. */
  measuringBatch?: number;
  /** What the next run trains on, and why. */
  choice?: BackendChoice;
  error?: string;
  setOverride(override: BackendOverride): Promise<void>;
  /** Measures again at the current batch size (the "Measure again" button). */
  remeasure(): Promise<void>;
  /** Before a run: measures when needed (automatic mode), moves the worker, returns the backend. */
  prepareForRun(batchSize: number): Promise<BackendName>;
  /** Outside runs: the same, after a model load or a batch-size change. */
  sync(batchSize: number): Promise<void>;
}

/** What the store needs from the training side (passed in to keep the stores acyclic). */
export interface RunContext {
  batchSize(): number;
  runActive(): boolean;
}

let context: RunContext = { batchSize: () => 64, runActive: () => false };
let generation = 0;
let inflight: { model: string; batchSize: number; done: Promise<void> } | undefined;

/**
 * What a step's cost depends on: the architecture, not the weights (an imported fine-tune
 * of the same model needs no new measurement).
 */
function modelKey(): string | undefined {
  const m = useClipStore.getState().model;
  return m && `${m.parameters}/${m.imageSize}/${m.contextLength}/${m.projectionDim}`;
}

function readOverrideFromUrl(): BackendOverride {
  if (typeof location === "undefined") return "auto";
  const value = new URLSearchParams(location.search).get(BACKEND_URL_KEY);
  return BACKEND_NAMES.includes(value as BackendName) ? (value as BackendName) : "auto";
}

function writeOverrideToUrl(override: BackendOverride): void {
  if (typeof location === "undefined" || typeof history === "undefined") return;
  const params = new URLSearchParams(location.search);
  if (override === "auto") params.delete(BACKEND_URL_KEY);
  else params.set(BACKEND_URL_KEY, override);
  const query = params.toString();
  history.replaceState(history.state, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash}`);
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const useBackendStore = create<BackendState>((set, get) => {
  const upToDate = (batchSize: number) => {
    const { measuredFor } = get();
    const model = modelKey();
    return Boolean(model && measuredFor?.model === model && measuredFor.batchSize === batchSize);
  };

  /** Times a step on every backend for the loaded model (joins a measurement of the same). */
  const measure = (batchSize: number): Promise<void> => {
    const model = modelKey();
    if (!model) return Promise.resolve();
    if (inflight && inflight.model === model && inflight.batchSize === batchSize) return inflight.done;
    const mine = ++generation;
    set({ measuringBatch: batchSize, error: undefined });
    const onProgress = Comlink.proxy((measurements: BackendMeasurement[]) => {
      if (mine === generation) set({ measurements });
    });
    const done = (async () => {
      try {
        const measurements = await labWorker().measureBackends(batchSize, onProgress);
        if (mine === generation) set({ measurements, measuredFor: { model, batchSize } });
      } catch (e) {
        if (mine === generation) set({ error: `backend measurement failed: ${errorText(e)}` });
      } finally {
        if (mine === generation) {
          set({ measuringBatch: undefined });
          inflight = undefined;
        }
      }
    })();
    inflight = { model, batchSize, done };
    return done;
  };

  /** Picks the backend and moves the worker (model included) onto it, unless a run is on. */
  const apply = async (forRun: boolean): Promise<BackendName> => {
    const { measurements, override } = get();
    const current = useClipStore.getState().backend?.backend ?? "wasm";
    const choice = pickTrainingBackend(measurements, override, current);
    set({ choice });
    if (choice.backend !== current && (forRun || !context.runActive())) {
      try {
        const report = await labWorker().useBackend(choice.backend);
        useClipStore.setState({ backend: report });
      } catch (e) {
        set({ error: `could not move to ${choice.backend}: ${errorText(e)}` });
        return current;
      }
    }
    return choice.backend;
  };

  /** Brings the choice up to date: measures first in automatic mode when needed. */
  const refresh = async (batchSize: number, forRun: boolean): Promise<BackendName> => {
    if (get().override === "auto") {
      if (!upToDate(batchSize)) await measure(batchSize);
    } else if (inflight) {
      // A pinned backend needs no numbers; a running measurement only costs time now.
      await labWorker().cancelMeasurement();
    }
    return apply(forRun);
  };

  return {
    override: "auto",
    measurements: [],
    setOverride: async (override) => {
      set({ override, error: undefined });
      writeOverrideToUrl(override);
      await get().sync(context.batchSize());
    },
    remeasure: async () => {
      if (context.runActive()) return;
      set({ measuredFor: undefined });
      await measure(context.batchSize());
      await apply(false);
    },
    prepareForRun: (batchSize) => refresh(batchSize, true),
    sync: async (batchSize) => {
      if (!context.runActive() && useClipStore.getState().model) await refresh(batchSize, false);
    },
  };
});

let started = false;

/**
 * Browser start-up: the override from the URL; then, outside runs, a measurement (automatic
 * mode) or a move (pinned backend) whenever a model loads or the batch size settles.
 */
export function startBackendChoice(run: RunContext & { subscribe(listener: () => void): () => void }): void {
  if (started) return;
  started = true;
  context = run;
  useBackendStore.setState({ override: readOverrideFromUrl() });
  const refreshIdle = () => void useBackendStore.getState().sync(run.batchSize());
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastBatch = run.batchSize();
  let wasActive = run.runActive();
  // Typing "64" passes through "6": wait until the field settles.
  run.subscribe(() => {
    const batch = run.batchSize();
    const active = run.runActive();
    if (batch !== lastBatch || (wasActive && !active)) {
      lastBatch = batch;
      clearTimeout(timer);
      timer = setTimeout(refreshIdle, 800);
    }
    wasActive = active;
  });
  useClipStore.subscribe((s, prev) => {
    if (s.model !== prev.model) refreshIdle();
  });
  refreshIdle();
}
