import type { StepMetrics } from "../../core/train/trainer.js";
import { buildRows, type ChartRow, MAX_POINTS, type SeriesSpec } from "../charts/series.js";

/**
 * The imported run's curve beside the browser's: one metric of both runs on a shared step
 * axis. Pure (unit-tested); ImportedRunChart draws it.
 */

/** A metric both engines log: the fixed columns of metrics.csv or a named objective term. */
export function metricValue(row: StepMetrics, metric: string): number {
  switch (metric) {
    case "loss":
      return row.loss;
    case "lr":
      return row.lr;
    case "grad_norm":
      return row.gradNorm;
    case "logit_scale":
      return row.logitScale;
    default:
      return row.terms[metric] ?? Number.NaN;
  }
}

/** The metrics to choose from: loss first, then the run's terms, then the optimiser columns. */
export function metricChoices(rows: readonly StepMetrics[]): string[] {
  const terms = new Set<string>();
  for (const r of rows) for (const name of Object.keys(r.terms)) terms.add(name);
  return ["loss", ...[...terms].filter((t) => t !== "loss"), "grad_norm", "logit_scale", "lr"];
}

export const IMPORTED_KEY = "scale";
export const BROWSER_KEY = "browser";

/**
 * Chart rows of `metric` for the imported run (key "scale") and the browser's run (key
 * "browser"), each downsampled on its own and merged by step; a step only one run has
 * holds null for the other (the line connects over it).
 */
export function overlayRows(
  imported: readonly StepMetrics[],
  browser: readonly StepMetrics[],
  metric: string,
  maxPoints = MAX_POINTS / 2,
): ChartRow[] {
  const spec = (key: string): SeriesSpec<StepMetrics>[] => [
    { key, label: key, color: "", value: (r) => metricValue(r, metric) },
  ];
  const byStep = new Map<number, ChartRow>();
  const add = (rows: ChartRow[], key: string, other: string) => {
    for (const row of rows) {
      const merged = byStep.get(row.x) ?? ({ x: row.x, [other]: null } as ChartRow);
      merged[key] = row[key];
      byStep.set(row.x, merged);
    }
  };
  const step = (r: StepMetrics) => r.step;
  add(buildRows(imported, step, spec(IMPORTED_KEY), { maxPoints }), IMPORTED_KEY, BROWSER_KEY);
  add(buildRows(browser, step, spec(BROWSER_KEY), { maxPoints }), BROWSER_KEY, IMPORTED_KEY);
  return [...byStep.values()].sort((a, b) => a.x - b.x);
}
