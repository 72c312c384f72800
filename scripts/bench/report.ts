import type { BenchBackend } from "./plan.js";

/** One row of bench/results.json and of the printed table. */
export interface BenchRow {
  model: string;
  backend: BenchBackend;
  batchSize: number;
  parameters: number | null;
  warmupSteps: number;
  timedSteps: number;
  msPerStep: number[];
  medianMs: number | null;
  kernels: number | null;
  gflopPerStep: number;
  gflops: number | null;
  /** Live tensors equal after warm-up and after the timed steps. */
  tensorsFlat: boolean | null;
  note?: string;
  skipped?: string;
  error?: string;
}

const fmt = (value: number | null, digits: number) =>
  value === null
    ? "-"
    : value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function markdownTable(rows: BenchRow[]): string {
  const header =
    "| model | params | backend | batch | ms/step (median) | timed steps | kernels/step | GFLOP/step | GFLOP/s | notes |";
  const rule = "|---|---:|---|---:|---:|---:|---:|---:|---:|---|";
  const lines = rows.map((r) => {
    const notes = [
      r.skipped,
      r.error && `error: ${r.error}`,
      r.note,
      r.tensorsFlat === false && "tensor count grew",
    ]
      .filter(Boolean)
      .join("; ");
    const steps = r.skipped ? "-" : `${r.timedSteps} (+${r.warmupSteps} warm-up)`;
    return `| ${r.model} | ${r.parameters === null ? "-" : r.parameters.toLocaleString("en-US")} | ${r.backend} | ${r.batchSize} | ${fmt(r.medianMs, 0)} | ${steps} | ${r.kernels ?? "-"} | ${fmt(r.gflopPerStep, 2)} | ${fmt(r.gflops, 2)} | ${notes} |`;
  });
  return [header, rule, ...lines].join("\n");
}
