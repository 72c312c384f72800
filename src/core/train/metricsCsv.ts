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

const FIXED_COLUMNS = ["step", "epoch", "lr", "loss", "grad_norm", "logit_scale", "applied"];

/**
 * metrics.csv back into rows (the inverse of metricsToCsv): a resumed run keeps its history,
 * and the app imports a finished run (the browser's or scale/'s). Errors name line and column.
 */
export function parseMetricsCsv(text: string, file = "metrics.csv"): StepMetrics[] {
  const [header = "", ...lines] = text.trim().split(/\r?\n/);
  const columns = header.split(",");
  const missing = FIXED_COLUMNS.find((c) => !columns.includes(c));
  if (missing) throw new Error(`${file}: the header has no "${missing}" column`);
  return lines
    .map((line, i) => [line, i + 2] as const)
    .filter(([line]) => line.trim() !== "")
    .map(([line, number]) => {
      const cells = line.split(",");
      const value = (name: string) => {
        const cell = cells[columns.indexOf(name)];
        const v = Number(cell);
        // NaN is a value (a term undefined at that step); only unparseable text is an error.
        if (cell === undefined || cell.trim() === "" || (Number.isNaN(v) && cell !== "NaN"))
          throw new Error(`${file} line ${number}: column "${name}": "${cell ?? ""}" is not a number`);
        return v;
      };
      const terms: Record<string, number> = {};
      columns.forEach((name, i) => {
        if (!FIXED_COLUMNS.includes(name) && cells[i] !== undefined && cells[i] !== "")
          terms[name] = value(name);
      });
      return {
        step: value("step"),
        epoch: value("epoch"),
        lr: value("lr"),
        loss: value("loss"),
        terms,
        gradNorm: value("grad_norm"),
        logitScale: value("logit_scale"),
        applied: value("applied") === 1,
      };
    });
}
