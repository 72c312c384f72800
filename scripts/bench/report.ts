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
  /** GPU dispatches of one step (WebGPU), null elsewhere. */
  dispatches: number | null;
  /** WebGPU: on the fused kernels (true) or the straightforward tfjs ops (false). */
  fused?: boolean;
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

const pathLabel = (r: BenchRow) =>
  r.fused === undefined ? r.backend : `${r.backend} ${r.fused ? "fused" : "straightforward"}`;

/**
 * "Fused vs straightforward" for a fused WebGPU row: how many times faster than its
 * straightforward twin (same model and batch), and its kernels and dispatches as a share
 * of the twin's.
 */
export function fusedComparison(row: BenchRow, rows: BenchRow[]): string {
  if (!row.fused) return "-";
  const twin = rows.find(
    (r) =>
      r.fused === false &&
      r.model === row.model &&
      r.backend === row.backend &&
      r.batchSize === row.batchSize,
  );
  if (!twin) return "-";
  const parts: string[] = [];
  if (row.medianMs && twin.medianMs) parts.push(`${(twin.medianMs / row.medianMs).toFixed(1)}x faster`);
  const share = (a: number | null, b: number | null, what: string) => {
    if (a !== null && b) parts.push(`${what} ${a}/${b} = ${((100 * a) / b).toFixed(0)} %`);
  };
  share(row.kernels, twin.kernels, "kernels");
  share(row.dispatches, twin.dispatches, "dispatches");
  return parts.length > 0 ? parts.join(", ") : "-";
}

export function markdownTable(rows: BenchRow[]): string {
  const header =
    "| model | params | backend | batch | ms/step (median) | timed steps | kernels/step | dispatches/step | GFLOP/step | GFLOP/s | fused vs straightforward | notes |";
  const rule = "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|";
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
    return `| ${r.model} | ${r.parameters === null ? "-" : r.parameters.toLocaleString("en-US")} | ${pathLabel(r)} | ${r.batchSize} | ${fmt(r.medianMs, 0)} | ${steps} | ${r.kernels ?? "-"} | ${r.dispatches ?? "-"} | ${fmt(r.gflopPerStep, 2)} | ${fmt(r.gflops, 2)} | ${fusedComparison(r, rows)} | ${notes} |`;
  });
  return [header, rule, ...lines].join("\n");
}
