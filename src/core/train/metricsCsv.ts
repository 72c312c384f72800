import type { StepMetrics } from "./trainer.js";

/** metrics.csv: one row per step, every term as a column (the app and scale/ share it). */
export function metricsToCsv(rows: StepMetrics[]): string {
  const termNames = [...new Set(rows.flatMap((r) => Object.keys(r.terms)))];
  const header = ["step", "epoch", "lr", "loss", ...termNames, "grad_norm", "logit_scale", "applied"];
  const lines = rows.map((r) =>
    [
      r.step,
      r.epoch,
      r.lr,
      r.loss,
      ...termNames.map((n) => r.terms[n] ?? ""),
      r.gradNorm,
      r.logitScale,
      r.applied ? 1 : 0,
    ].join(","),
  );
  return `${header.join(",")}\n${lines.join("\n")}\n`;
}
