import type { BenchmarkResult } from "../core/eval/benchmark.js";
import { objectives } from "../core/losses/registry.js";
import type { RunStatus, StepEvent, TrainingEvent } from "../worker/trainingApi.js";
import { compactHistory } from "./persist.js";
import { type RunConfig, withObjective } from "./runConfig.js";

/**
 * The Compare tab's queue as plain data and pure transitions (no worker, no React): runs
 * wait "queued", then "running" (training), "evaluating" (held-out benchmark), and end
 * "done", "failed" or "cancelled". The store (./compareStore.ts) drives the worker with it.
 */

export type CompareRunStatus = "queued" | "running" | "evaluating" | "done" | "failed" | "cancelled";

/** What every run of one comparison shares: the same data, seed and steps. */
export interface CompareSettings {
  steps: number;
  batchSize: number;
  /** Data order seed (the data set is the built-in world's train split). */
  seed: number;
  /** Held-out evaluation every n steps for the accuracy curves (0: only the final one). */
  evalEvery: number;
  /** Held-out scenes of the final evaluation. */
  heldoutN: number;
}

export const DEFAULT_COMPARE_SETTINGS: CompareSettings = {
  steps: 200,
  batchSize: 32,
  seed: 0,
  evalEvery: 50,
  heldoutN: 500,
};

/** The queue entry that only evaluates the base model (no training). */
export const BASE_MODEL_RUN = "base";

export type HeldoutResult = Omit<BenchmarkResult, "perSample">;

export interface CompareEval {
  step: number;
  result: HeldoutResult;
}

export interface CompareRun {
  id: string;
  /** Registry name, or BASE_MODEL_RUN. */
  objective: string;
  settings: CompareSettings;
  status: CompareRunStatus;
  message?: string;
  /** The full run configuration sent to the worker (set when the run starts). */
  config?: RunConfig;
  /** Name of the model the run started from. */
  model?: string;
  /** Step metrics, oldest first, thinned to MAX_RUN_HISTORY. */
  history: StepEvent[];
  evals: CompareEval[];
  /** Final held-out benchmark. */
  final?: HeldoutResult;
  stepsDone: number;
  /** Training time: the sum of the reported ms per step, over `measuredSteps` steps. */
  trainMs: number;
  measuredSteps: number;
  /** Largest tf.memory().numBytes the worker reported with the run's steps. */
  peakBytes: number;
  startedAt?: number;
  finishedAt?: number;
}

/** Steps kept per run (long runs are thinned like the Train tab's history). */
export const MAX_RUN_HISTORY = 4000;

export function createRun(id: string, objective: string, settings: CompareSettings): CompareRun {
  return {
    id,
    objective,
    settings: { ...settings },
    status: "queued",
    history: [],
    evals: [],
    stepsDone: 0,
    trainMs: 0,
    measuredSteps: 0,
    peakBytes: 0,
  };
}

export function isFinished(run: CompareRun): boolean {
  return run.status === "done" || run.status === "failed" || run.status === "cancelled";
}

/** The run the queue takes next: the first queued one. */
export function nextQueued(runs: readonly CompareRun[]): CompareRun | undefined {
  return runs.find((r) => r.status === "queued");
}

/**
 * The configuration of a run: the sidebar's run configuration with the objective switched
 * as the objective selector would (its options reset to defaults, shared ones kept), and
 * the comparison's steps, batch, seed and evaluation cadence; no checkpoints (they would
 * overwrite the Train tab's).
 */
export function runConfigFor(base: RunConfig, run: CompareRun): RunConfig {
  // withObjective would keep the sidebar's objective for an unknown name (e.g. a saved queue).
  if (!objectives[run.objective]) throw new Error(`unknown objective "${run.objective}"`);
  const { steps, batchSize, seed, evalEvery } = run.settings;
  return { ...withObjective(base, run.objective), steps, batchSize, seed, evalEvery, checkpointEvery: 0 };
}

/** How a training status ends the active run, if it does. */
export type RunEnd = { kind: "trained" } | { kind: "stopped" } | { kind: "failed"; message: string };

/**
 * The trainer pauses by itself on non-finite steps and on errors (a message says why); a
 * compare run then fails and the queue goes on. A pause without such a message is the
 * user's (the Train tab's buttons act on the same worker run) and ends nothing.
 */
export function runEndOf(event: { status: RunStatus; message?: string }): RunEnd | undefined {
  if (event.status === "done") return { kind: "trained" };
  if (event.status === "stopped") return { kind: "stopped" };
  if (event.status === "paused" && event.message && /non-finite|stopped by an error/i.test(event.message))
    return { kind: "failed", message: event.message };
  return undefined;
}

/** The run with a training event's numbers added (steps, evaluations, status). */
export function applyTrainingEvent(run: CompareRun, event: TrainingEvent): CompareRun {
  switch (event.type) {
    case "steps": {
      if (event.steps.length === 0) return run;
      let { trainMs, measuredSteps, peakBytes } = run;
      for (const s of event.steps) {
        if (Number.isFinite(s.msPerStep) && s.msPerStep > 0) {
          trainMs += s.msPerStep;
          measuredSteps += 1;
        }
        if (Number.isFinite(s.numBytes)) peakBytes = Math.max(peakBytes, s.numBytes);
      }
      return {
        ...run,
        history: compactHistory(run.history.concat(event.steps), MAX_RUN_HISTORY, MAX_RUN_HISTORY / 2),
        stepsDone: event.steps[event.steps.length - 1].step + 1,
        trainMs,
        measuredSteps,
        peakBytes,
      };
    }
    case "eval": {
      const { perSample: _drop, ...result } = event.result;
      return { ...run, evals: [...run.evals, { step: event.step, result }] };
    }
    case "status":
      return {
        ...run,
        stepsDone: Math.max(run.stepsDone, event.step),
        message: event.message ?? run.message,
      };
    default:
      return run;
  }
}

/** Milliseconds per training step measured so far; undefined before any step. */
function msPerStepOf(run: CompareRun): number | undefined {
  return run.measuredSteps > 0 && run.trainMs > 0 ? run.trainMs / run.measuredSteps : undefined;
}

/** Steps per second of training; NaN before any step. */
export function stepsPerSecond(run: CompareRun): number {
  const ms = msPerStepOf(run);
  return ms === undefined ? Number.NaN : 1000 / ms;
}

export interface QueueProgress {
  doneSteps: number;
  totalSteps: number;
  /** 0..1 */
  fraction: number;
  /** Seconds of training left (NaN until a speed is measured). */
  etaSeconds: number;
}

/**
 * Progress over every run in the list: finished runs count as complete, the running one by
 * its steps. The ETA multiplies each unfinished run's remaining steps by the speed measured
 * for it, else for a run of the same objective, else the mean over all measured runs.
 */
export function queueProgress(runs: readonly CompareRun[]): QueueProgress {
  let doneSteps = 0;
  let totalSteps = 0;
  const msPerStep = new Map<string, { ms: number; steps: number }>();
  let allMs = 0;
  let allSteps = 0;
  for (const r of runs) {
    const trained = r.objective === BASE_MODEL_RUN ? 0 : r.settings.steps;
    totalSteps += trained;
    doneSteps += isFinished(r) || r.status === "evaluating" ? trained : Math.min(r.stepsDone, trained);
    if (msPerStepOf(r) !== undefined) {
      const m = msPerStep.get(r.objective) ?? { ms: 0, steps: 0 };
      msPerStep.set(r.objective, { ms: m.ms + r.trainMs, steps: m.steps + r.measuredSteps });
      allMs += r.trainMs;
      allSteps += r.measuredSteps;
    }
  }
  let eta = 0;
  for (const r of runs) {
    if (isFinished(r) || r.status === "evaluating" || r.objective === BASE_MODEL_RUN) continue;
    const left = Math.max(0, r.settings.steps - r.stepsDone);
    if (left === 0) continue;
    const own = msPerStepOf(r);
    const same = msPerStep.get(r.objective);
    const ms = own ?? (same ? same.ms / same.steps : allSteps > 0 ? allMs / allSteps : Number.NaN);
    eta += (left * ms) / 1000;
  }
  return {
    doneSteps,
    totalSteps,
    fraction: totalSteps > 0 ? doneSteps / totalSteps : runs.length > 0 && runs.every(isFinished) ? 1 : 0,
    etaSeconds: eta,
  };
}

/**
 * A queue restored after a reload: a run that was training or evaluating cannot go on (the
 * worker restarted with the base weights), so it is marked failed; queued runs stay queued.
 */
export function restoreRuns(runs: readonly CompareRun[]): CompareRun[] {
  return runs.map((r) =>
    r.status === "running" || r.status === "evaluating"
      ? { ...r, status: "failed", message: "interrupted: the page was reloaded" }
      : r,
  );
}
