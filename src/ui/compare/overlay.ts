import type { CompareRun, HeldoutResult } from "../../state/compareQueue.js";
import {
  type ChartRow,
  debiasedEma,
  downsampleRows,
  MAX_POINTS,
  rawKey,
  TYPE_COLORS,
} from "../charts/series.js";

/**
 * The Compare tab's overlaid curves: one line per run of one chosen metric (a loss term,
 * or a held-out accuracy) against the step. Runs log different steps (and evaluations at
 * different steps), so rows are the union of their steps with gaps where a run has none.
 */

export interface Point {
  x: number;
  y: number;
}

export interface OverlaySeries {
  key: string;
  label: string;
  color: string;
  points: Point[];
}

/** Run colours: the type palette, then more (Okabe-Ito first: colour-blind safe). */
const RUN_COLORS = [...TYPE_COLORS, "#1d2330", "#8c564b", "#7f7f7f", "#bcbd22", "#17becf"];

export function runColor(index: number): string {
  return RUN_COLORS[index % RUN_COLORS.length];
}

export function runKey(run: CompareRun): string {
  return `run_${run.id.replace(/[^a-zA-Z0-9]/g, "_")}`;
}

/** The loss metric's points: "loss" is the total, any other name a logged term. */
export function lossPoints(run: CompareRun, metric: string): Point[] {
  return run.history.map((e) => ({
    x: e.step,
    y: metric === "loss" ? e.loss : (e.terms[metric] ?? Number.NaN),
  }));
}

/** Held-out metrics: "r1_i2t", "r1_t2i", or a negative type's accuracy. */
export function heldoutValue(result: HeldoutResult, metric: string): number {
  if (metric === "r1_i2t" || metric === "r1_t2i") return result[metric];
  return result.perType[metric] ?? Number.NaN;
}

/**
 * The accuracy metric's points: the run's periodic evaluations, then its final evaluation
 * at the last step when no periodic one fell there.
 */
export function heldoutPoints(run: CompareRun, metric: string): Point[] {
  const points = run.evals.map((e) => ({ x: e.step, y: heldoutValue(e.result, metric) }));
  if (run.final && !run.evals.some((e) => e.step === run.stepsDone))
    points.push({ x: run.stepsDone, y: heldoutValue(run.final, metric) });
  return points;
}

/** Loss metrics logged by any run: the total, then every term name in first-seen order. */
export function lossMetrics(runs: readonly CompareRun[]): string[] {
  const names = ["loss"];
  for (const r of runs) {
    const last = r.history[r.history.length - 1];
    if (last) for (const name of Object.keys(last.terms)) if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** Held-out metrics of any run: negative types first-seen, then R@1 both ways. */
export function heldoutMetrics(runs: readonly CompareRun[]): string[] {
  const names: string[] = [];
  for (const r of runs)
    for (const res of [...r.evals.map((e) => e.result), ...(r.final ? [r.final] : [])])
      for (const name of Object.keys(res.perType)) if (!names.includes(name)) names.push(name);
  return [...names, "r1_i2t", "r1_t2i"];
}

/**
 * Chart rows of overlaid series: each series smoothed along its own points (debiased EMA,
 * 0 = raw; with `raw` its unsmoothed values ride along as `rawKey(key)`), put on the union
 * of x values (null where a series has no point), then downsampled to `maxPoints` rows.
 */
export function overlayRows(
  series: readonly OverlaySeries[],
  options: { smoothing?: number; raw?: boolean; maxPoints?: number } = {},
): ChartRow[] {
  const { smoothing = 0, raw = false, maxPoints = MAX_POINTS } = options;
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const position = new Map(xs.map((x, i) => [x, i]));
  const named: Record<string, Float64Array> = {};
  const column = (ys: number[], points: Point[]) => {
    const col = new Float64Array(xs.length).fill(Number.NaN);
    points.forEach((p, i) => {
      col[position.get(p.x)!] = ys[i];
    });
    return col;
  };
  for (const s of series) {
    const ys = s.points.map((p) => p.y);
    named[s.key] = column(smoothing > 0 ? debiasedEma(ys, smoothing) : ys, s.points);
    if (raw && smoothing > 0) named[rawKey(s.key)] = column(ys, s.points);
  }
  return downsampleRows(xs, named, maxPoints);
}
