import { objectives } from "../../core/losses/registry.js";
import { BASE_MODEL_RUN, type CompareRun, stepsPerSecond } from "../../state/compareQueue.js";
import { toCsv } from "../charts/series.js";

/** One finished run's numbers, as the comparison table and its CSV show them. */
export interface CompareRow {
  id: string;
  /** 1-based position in the queue. */
  index: number;
  objective: string;
  label: string;
  model?: string;
  steps: number;
  batchSize: number;
  seed: number;
  /** Held-out scenes of the final evaluation. */
  n: number;
  perType: Record<string, number | null>;
  r1_i2t: number;
  r5_i2t: number;
  r1_t2i: number;
  r5_t2i: number;
  /** NaN for the base-model entry (no training). */
  stepsPerSecond: number;
  /** Largest tensor memory reported during training, MiB (NaN without steps). */
  peakMiB: number;
  /** Mean total loss over the last LOSS_WINDOW steps (NaN without steps). */
  finalLoss: number;
}

export const LOSS_WINDOW = 20;

export function objectiveLabel(objective: string): string {
  if (objective === BASE_MODEL_RUN) return "Base model (no training)";
  return objectives[objective]?.label ?? objective;
}

function meanLastLoss(run: CompareRun): number {
  const tail = run.history.slice(-LOSS_WINDOW).filter((e) => Number.isFinite(e.loss));
  return tail.length > 0 ? tail.reduce((sum, e) => sum + e.loss, 0) / tail.length : Number.NaN;
}

/** Rows of the runs that finished with a final evaluation, in queue order. */
export function compareRows(runs: readonly CompareRun[]): CompareRow[] {
  return runs.flatMap((run, i) => {
    const f = run.final;
    if (run.status !== "done" || !f) return [];
    const trained = run.objective !== BASE_MODEL_RUN;
    return [
      {
        id: run.id,
        index: i + 1,
        objective: run.objective,
        label: objectiveLabel(run.objective),
        model: run.model,
        steps: trained ? run.stepsDone : 0,
        batchSize: run.settings.batchSize,
        seed: run.settings.seed,
        n: f.n,
        perType: f.perType,
        r1_i2t: f.r1_i2t,
        r5_i2t: f.r5_i2t,
        r1_t2i: f.r1_t2i,
        r5_t2i: f.r5_t2i,
        stepsPerSecond: trained ? stepsPerSecond(run) : Number.NaN,
        peakMiB: run.peakBytes > 0 ? run.peakBytes / 2 ** 20 : Number.NaN,
        finalLoss: meanLastLoss(run),
      },
    ];
  });
}

/** Negative-type names over all rows, in first-seen order. */
export function typeNames(rows: readonly CompareRow[]): string[] {
  const names: string[] = [];
  for (const r of rows)
    for (const name of Object.keys(r.perType)) if (!names.includes(name)) names.push(name);
  return names;
}

/** The comparison as CSV: one line per run; missing and non-finite numbers are empty cells. */
export function compareCsv(rows: readonly CompareRow[]): string {
  const types = typeNames(rows);
  const header = [
    "run",
    "objective",
    "model",
    "steps",
    "batch_size",
    "seed",
    "heldout_n",
    ...types.map((t) => `acc_${t}`),
    "r1_i2t",
    "r5_i2t",
    "r1_t2i",
    "r5_t2i",
    "steps_per_second",
    "peak_memory_mib",
    "final_loss",
  ];
  const body = rows.map((r) => [
    r.index,
    r.objective,
    r.model ?? "",
    r.steps,
    r.batchSize,
    r.seed,
    r.n,
    ...types.map((t) => r.perType[t] ?? null),
    r.r1_i2t,
    r.r5_i2t,
    r.r1_t2i,
    r.r5_t2i,
    r.stepsPerSecond,
    r.peakMiB,
    r.finalLoss,
  ]);
  return toCsv(header, body);
}
