/**
 * Pure logic of the Samples panel: margins in logits, violations against CE-CLIP's theta_k,
 * hinge, sorting and filtering, and the margin history of one sample. No DOM, no worker.
 */
import type { SampleEvaluation, SampleRow } from "../../worker/samplesApi.js";

export interface ScoredNegative {
  /** Index k of the negative type. */
  k: number;
  type: string;
  text: string;
  /** Cosine similarity of the image with this negative. */
  sim: number;
  /** logitScale * (sim(positive) - sim(negative)). */
  margin: number;
  /** The threshold the margin is held to: theta_k (CE-CLIP) or 0. */
  threshold: number;
  violated: boolean;
  /** max(0, threshold - margin): the rank loss term of this pair (CE-CLIP's cmr before averaging). */
  hinge: number;
}

export interface ScoredRow {
  /** Index of the row in the table (and in every evaluation). */
  i: number;
  row: SampleRow;
  positive: number;
  negatives: ScoredNegative[];
  /** Smallest margin among `negatives` (Infinity when there are none). */
  minMargin: number;
}

export type SampleSort = "hardest" | "easiest" | "index";

export interface SampleFilter {
  /** A negative type name, or "all". */
  type: string;
  violatedOnly: boolean;
  sort: SampleSort;
  /** Only held-out, only training, or both. */
  split?: "all" | "heldout" | "train";
}

export function pairMargin(logitScale: number, positive: number, negative: number): number {
  return logitScale * (positive - negative);
}

/** Violated when the margin is below the threshold; the hinge is how far below. */
export function violation(margin: number, threshold: number): { violated: boolean; hinge: number } {
  return { violated: margin < threshold, hinge: Math.max(0, threshold - margin) };
}

/** Every row's valid negatives scored under one evaluation. */
export function scoreRows(rows: SampleRow[], types: string[], evaluation: SampleEvaluation): ScoredRow[] {
  return rows.map((row, i) => {
    const positive = evaluation.positive[i];
    const negatives: ScoredNegative[] = [];
    types.forEach((type, k) => {
      const sim = evaluation.negatives[i]?.[k];
      if (row.mask[k] !== 1 || sim === null || sim === undefined) return;
      const margin = pairMargin(evaluation.logitScale, positive, sim);
      const threshold = evaluation.thetas?.[k] ?? 0;
      negatives.push({
        k,
        type,
        text: row.negatives[k],
        sim,
        margin,
        threshold,
        ...violation(margin, threshold),
      });
    });
    return { i, row, positive, negatives, minMargin: minOf(negatives.map((n) => n.margin)) };
  });
}

function minOf(values: number[]): number {
  return values.reduce((m, v) => Math.min(m, v), Number.POSITIVE_INFINITY);
}

/**
 * Rows to show: each row keeps only the negatives that pass the filter (type, violated),
 * rows with none left are dropped, then rows are sorted (hardest = smallest margin first).
 */
export function selectRows(scored: ScoredRow[], filter: SampleFilter): ScoredRow[] {
  const out: ScoredRow[] = [];
  for (const r of scored) {
    if (filter.split && filter.split !== "all" && r.row.split !== filter.split) continue;
    const negatives = r.negatives.filter(
      (n) => (filter.type === "all" || n.type === filter.type) && (!filter.violatedOnly || n.violated),
    );
    const filtering = filter.type !== "all" || filter.violatedOnly;
    if (filtering && negatives.length === 0) continue;
    out.push({ ...r, negatives, minMargin: minOf(negatives.map((n) => n.margin)) });
  }
  if (filter.sort === "index") return out;
  const sign = filter.sort === "hardest" ? 1 : -1;
  // Rows without negatives go last either way; ties keep table order.
  return out.sort((a, b) => {
    const fa = Number.isFinite(a.minMargin);
    const fb = Number.isFinite(b.minMargin);
    if (fa !== fb) return fa ? -1 : 1;
    if (!fa) return a.i - b.i;
    return sign * (a.minMargin - b.minMargin) || a.i - b.i;
  });
}

export interface MarginPoint {
  step: number;
  margin: number;
  threshold: number;
}

/** For one row: per negative type k, its margin at every evaluation (oldest first). */
export function marginHistory(
  evaluations: SampleEvaluation[],
  row: SampleRow,
  i: number,
  types: string[],
): { k: number; type: string; points: MarginPoint[] }[] {
  return types.flatMap((type, k) => {
    if (row.mask[k] !== 1) return [];
    const points = evaluations.flatMap((e) => {
      const sim = e.negatives[i]?.[k];
      if (sim === null || sim === undefined) return [];
      return [
        { step: e.step, margin: pairMargin(e.logitScale, e.positive[i], sim), threshold: e.thetas?.[k] ?? 0 },
      ];
    });
    return [{ k, type, points }];
  });
}

/** SVG polyline points for values scaled into width x height (y up), with the y range used. */
export function sparklinePoints(
  values: number[],
  width: number,
  height: number,
  range?: { min: number; max: number },
): { points: string; min: number; max: number; y: (v: number) => number } {
  let min = range?.min ?? Math.min(...values);
  let max = range?.max ?? Math.max(...values);
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    min = 0;
    max = 1;
  }
  if (max === min) {
    min -= 1;
    max += 1;
  }
  const pad = 2;
  const y = (v: number) => pad + (height - 2 * pad) * (1 - (v - min) / (max - min));
  const x = (i: number) =>
    values.length === 1 ? width / 2 : pad + ((width - 2 * pad) * i) / (values.length - 1);
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  return { points, min, max, y };
}

/**
 * Adds an evaluation to the list kept by step: one at the same step replaces the old one
 * (nothing trained in between), otherwise it is appended; the list stays in step order.
 */
export function upsertEvaluation<T extends { step: number }>(list: T[], evaluation: T): T[] {
  const rest = list.filter((e) => e.step !== evaluation.step);
  return [...rest, evaluation].sort((a, b) => a.step - b.step);
}
