import { describe, expect, it } from "vitest";
import type { StepMetrics } from "../../core/train/trainer.js";
import { metricChoices, metricValue, overlayRows } from "./importedSeries.js";

const row = (step: number, loss: number, terms: Record<string, number> = {}): StepMetrics => ({
  step,
  epoch: 0,
  lr: 0.001 * (step + 1),
  loss,
  terms,
  gradNorm: 10 + step,
  logitScale: 14.3,
  applied: true,
});

describe("imported run series", () => {
  it("reads metrics.csv columns and terms", () => {
    const r = row(2, 1.5, { itc: 1.25, theta_0: 0.5 });
    expect(metricValue(r, "loss")).toBe(1.5);
    expect(metricValue(r, "lr")).toBeCloseTo(0.003, 12);
    expect(metricValue(r, "grad_norm")).toBe(12);
    expect(metricValue(r, "logit_scale")).toBe(14.3);
    expect(metricValue(r, "theta_0")).toBe(0.5);
    expect(metricValue(r, "missing")).toBeNaN();
  });

  it("offers loss, the terms in order of appearance, then the optimiser columns", () => {
    expect(metricChoices([row(0, 1, { itc: 1, cmr: 0 }), row(1, 1, { itc: 1, theta_0: 2 })])).toEqual([
      "loss",
      "itc",
      "cmr",
      "theta_0",
      "grad_norm",
      "logit_scale",
      "lr",
    ]);
  });

  it("merges both runs by step, null where a run has no such step", () => {
    const imported = [row(0, 4), row(1, 3), row(2, 2)];
    const browser = [row(1, 3.5), row(3, 1.5, {})];
    expect(overlayRows(imported, browser, "loss")).toEqual([
      { x: 0, scale: 4, browser: null },
      { x: 1, scale: 3, browser: 3.5 },
      { x: 2, scale: 2, browser: null },
      { x: 3, scale: null, browser: 1.5 },
    ]);
  });

  it("leaves a term one run lacks as null and downsamples each run", () => {
    const imported = Array.from({ length: 1000 }, (_, i) => row(i, 5 - i / 1000, { itc: i }));
    const rows = overlayRows(imported, [row(0, 9)], "itc", 100);
    expect(rows.length).toBe(100);
    expect(rows[0]).toEqual({ x: 0, scale: 0, browser: null });
    expect(rows[rows.length - 1]).toEqual({ x: 999, scale: 999, browser: null });
  });
});
