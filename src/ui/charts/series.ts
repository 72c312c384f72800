import { NEGATIVE_TYPES } from "../../core/data/shapesWorld/negatives.js";

/** Points drawn per series at most (long runs are downsampled to this). */
export const MAX_POINTS = 2000;

/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013) over one or more series that share the
 * x values: returns the indices of at most `threshold` rows, always the first and the last.
 * With several series, each bucket keeps the row whose triangles summed over the series
 * (each divided by its value range, so scales do not matter) are largest. Non-finite values
 * are missing: they add nothing to a triangle. `xs` must be ascending.
 */
export function lttbIndices(xs: ArrayLike<number>, ys: ArrayLike<number>[], threshold: number): number[] {
  const n = xs.length;
  const limit = Math.floor(threshold);
  if (n === 0 || limit <= 0) return [];
  if (limit >= n) return Array.from({ length: n }, (_, i) => i);
  if (limit === 1) return [n - 1];
  if (limit === 2) return [0, n - 1];

  const ranges = ys.map((series) => {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const v = series[i];
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    return hi > lo ? hi - lo : 1;
  });
  const avgY = new Float64Array(ys.length);
  const avgValid = new Uint8Array(ys.length);

  const out: number[] = [0];
  const every = (n - 2) / (limit - 2);
  let a = 0;
  for (let bucket = 0; bucket < limit - 2; bucket++) {
    // Average of the next bucket (the last point for the final bucket).
    const nextStart = Math.floor((bucket + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((bucket + 2) * every) + 1, n);
    let avgX = 0;
    for (let i = nextStart; i < nextEnd; i++) avgX += xs[i];
    avgX /= Math.max(1, nextEnd - nextStart);
    for (let s = 0; s < ys.length; s++) {
      let sum = 0;
      let count = 0;
      for (let i = nextStart; i < nextEnd; i++) {
        const v = ys[s][i];
        if (Number.isFinite(v)) {
          sum += v;
          count++;
        }
      }
      avgY[s] = count > 0 ? sum / count : 0;
      avgValid[s] = count > 0 ? 1 : 0;
    }

    const start = Math.floor(bucket * every) + 1;
    const end = Math.floor((bucket + 1) * every) + 1;
    const ax = xs[a];
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      let area = 0;
      for (let s = 0; s < ys.length; s++) {
        const ay = ys[s][a];
        const jy = ys[s][j];
        if (!avgValid[s] || !Number.isFinite(ay) || !Number.isFinite(jy)) continue;
        area += Math.abs((ax - avgX) * (jy - ay) - (ax - xs[j]) * (avgY[s] - ay)) / ranges[s];
      }
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push(best);
    a = best;
  }
  out.push(n - 1);
  return out;
}

/** LTTB on (x, y) points; keeps the first and last point and at most `threshold` points. */
export function lttb<P extends { x: number; y: number }>(points: P[], threshold: number): P[] {
  const idx = lttbIndices(
    points.map((p) => p.x),
    [points.map((p) => p.y)],
    threshold,
  );
  return idx.map((i) => points[i]);
}

/**
 * Exponential moving average with TensorBoard's debiasing: s_t = beta s_{t-1} + (1 - beta) v_t
 * from s_0 = 0, shown as s_t / (1 - beta^t), t counting finite values only. Non-finite
 * values stay as they are and do not move the average. beta = 0 returns the values.
 */
export function debiasedEma(values: ArrayLike<number>, beta: number): number[] {
  const b = Math.min(Math.max(beta, 0), 0.9999);
  const out = new Array<number>(values.length);
  let last = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * b + (1 - b) * v;
    count++;
    out[i] = b === 0 ? v : last / (1 - b ** count);
  }
  return out;
}

/** A column of a chart: how to read it from a record and how to draw it. */
export interface SeriesSpec<T> {
  key: string;
  label: string;
  color: string;
  dashed?: boolean;
  value(record: T): number;
}

/** One chart row: x plus each series' value (null where missing, so lines skip it). */
export type ChartRow = { x: number } & Record<string, number | null>;

/** Columns of a record list, one Float64Array per series (NaN where missing). */
export function columns<T>(records: readonly T[], series: SeriesSpec<T>[]): Float64Array[] {
  return series.map((s) => {
    const col = new Float64Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const v = s.value(records[i]);
      col[i] = typeof v === "number" && Number.isFinite(v) ? v : Number.NaN;
    }
    return col;
  });
}

/**
 * Chart rows: the series' columns (already transformed, e.g. smoothed) at the rows chosen
 * by multi-series LTTB; `extra` columns ride along at the same rows without steering the
 * choice. Non-finite values become null.
 */
export function downsampleRows(
  xs: ArrayLike<number>,
  named: Record<string, ArrayLike<number>>,
  maxPoints = MAX_POINTS,
  extra: Record<string, ArrayLike<number>> = {},
): ChartRow[] {
  const keys = Object.keys(named);
  const indices = lttbIndices(
    xs,
    keys.map((k) => named[k]),
    maxPoints,
  );
  const all = { ...extra, ...named };
  const allKeys = Object.keys(all);
  return indices.map((i) => {
    const row: ChartRow = { x: xs[i] } as ChartRow;
    for (const k of allKeys) {
      const v = all[k][i];
      row[k] = Number.isFinite(v) ? v : null;
    }
    return row;
  });
}

/** CSV text: header row, then rows; non-finite and missing numbers are empty cells. */
export function toCsv(header: string[], rows: (number | string | null | undefined)[][]): string {
  const cell = (v: number | string | null | undefined) => {
    if (v === null || v === undefined) return "";
    if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
    return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  };
  return [header, ...rows].map((r) => r.map(cell).join(",")).join("\n") + "\n";
}

/** "attributeSwap" -> "attribute swap". */
export function negativeTypeLabel(k: number): string {
  const name = NEGATIVE_TYPES[k] as string | undefined;
  if (!name) return `type ${k}`;
  return name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

/** The label of a named negative type ("relationReplace" -> "relation replace"). */
export function negativeTypeNameLabel(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

/** Colours of negative types k = 0..3 (then cycling); colour-blind-safe (Okabe-Ito). */
export const TYPE_COLORS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"];

export function typeColor(k: number): string {
  return TYPE_COLORS[k % TYPE_COLORS.length];
}

/** How many per-type terms `${prefix}_k` a record set has (K = largest k + 1). */
export function countTypes(termSets: Iterable<Record<string, number>>, prefix: string): number {
  const pattern = new RegExp(`^${prefix}_(\\d+)$`);
  let k = 0;
  let seen = 0;
  for (const terms of termSets) {
    for (const key of Object.keys(terms)) {
      const m = pattern.exec(key);
      if (m) k = Math.max(k, Number(m[1]) + 1);
    }
    if (++seen >= 3) break;
  }
  return k;
}

/** Compact number for axes and tooltips. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return "–";
  if (v === 0) return "0";
  const abs = Math.abs(v);
  if (abs >= 1e4 || abs < 1e-3) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
}

/** Key of the raw column drawn under a smoothed series. */
export function rawKey(key: string): string {
  return `${key}__raw`;
}

/**
 * Chart rows of records: each series read, optionally EMA-smoothed (with its raw values as
 * `rawKey(key)` when `raw`), `extra` columns carried along, then downsampled to `maxPoints`.
 */
export function buildRows<T>(
  records: readonly T[],
  x: (record: T) => number,
  series: SeriesSpec<T>[],
  options: { smoothing?: number; raw?: boolean; extra?: SeriesSpec<T>[]; maxPoints?: number } = {},
): ChartRow[] {
  const { smoothing = 0, raw = false, extra = [], maxPoints = MAX_POINTS } = options;
  const xs = records.map(x);
  const cols = columns(records, series);
  const named: Record<string, ArrayLike<number>> = {};
  series.forEach((s, i) => {
    named[s.key] = smoothing > 0 ? debiasedEma(cols[i], smoothing) : cols[i];
    if (raw && smoothing > 0) named[rawKey(s.key)] = cols[i];
  });
  const extraCols = columns(records, extra);
  const extraNamed = Object.fromEntries(extra.map((s, i) => [s.key, extraCols[i]]));
  return downsampleRows(xs, named, maxPoints, extraNamed);
}

/** Full-resolution table of the series (for CSV): x column then one column per series. */
export function seriesTable<T>(
  records: readonly T[],
  xName: string,
  x: (record: T) => number,
  series: SeriesSpec<T>[],
): { header: string[]; rows: (number | null)[][] } {
  const cols = columns(records, series);
  return {
    header: [xName, ...series.map((s) => s.key)],
    rows: records.map((r, i) => [x(r), ...cols.map((c) => (Number.isFinite(c[i]) ? c[i] : null))]),
  };
}

/** Shorter number for axis ticks. */
export function formatAxis(v: number): string {
  if (!Number.isFinite(v)) return "";
  if (v === 0) return "0";
  const abs = Math.abs(v);
  if (abs >= 1e5 || abs < 1e-2) return v.toExponential(1);
  return Number(v.toPrecision(3)).toString();
}
