import * as Comlink from "comlink";
import { create } from "zustand";
import type { BenchmarkResult } from "../core/eval/benchmark.js";
import type { TrainConfig } from "../core/train/config.js";
import { labWorker } from "../worker/client.js";
import type { RunStatus, StepEvent, TrainingEvent } from "../worker/trainingApi.js";

export interface TrainingForm {
  objective: string;
  steps: number;
  batchSize: number;
  lr: number;
  warmupSteps: number;
  evalEvery: number;
  checkpointEvery: number;
}

export const DEFAULT_FORM: TrainingForm = {
  objective: "ceclip",
  steps: 200,
  batchSize: 16,
  lr: 1e-3,
  warmupSteps: 20,
  evalEvery: 0,
  checkpointEvery: 50,
};

interface TrainingState {
  form: TrainingForm;
  status: RunStatus;
  step: number;
  totalSteps: number;
  epoch: number;
  message?: string;
  history: StepEvent[];
  evals: { step: number; result: BenchmarkResult }[];
  warnings: string[];
  lastCheckpoint?: { step: number; store?: string; error?: string };
  setForm(changes: Partial<TrainingForm>): void;
  start(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stepOnce(): Promise<void>;
  stop(): Promise<void>;
}

let subscribed = false;

export const useTrainingStore = create<TrainingState>((set, get) => {
  const onEvent = (event: TrainingEvent) => {
    switch (event.type) {
      case "steps":
        set((s) => {
          const last = event.steps[event.steps.length - 1];
          return { history: [...s.history, ...event.steps], step: last.step + 1, epoch: last.epoch };
        });
        break;
      case "status":
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
    if (!subscribed) {
      subscribed = true;
      void w.subscribe(Comlink.proxy(onEvent));
    }
    return w;
  };
  const guard = async (action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (e) {
      set({ message: e instanceof Error ? e.message : String(e) });
    }
  };
  return {
    form: DEFAULT_FORM,
    status: "idle",
    step: 0,
    totalSteps: 0,
    epoch: 0,
    history: [],
    evals: [],
    warnings: [],
    setForm: (changes) => set((s) => ({ form: { ...s.form, ...changes } })),
    start: () =>
      guard(async () => {
        set({ history: [], evals: [], warnings: [], message: undefined });
        const config: Partial<TrainConfig> = { ...get().form };
        await worker().startTraining(config);
      }),
    pause: () => guard(() => worker().pause()),
    resume: () => guard(() => worker().resume()),
    stepOnce: () => guard(() => worker().step()),
    stop: () => guard(() => worker().stop()),
  };
});
