import { type BenchBackend, GPU_BACKENDS } from "./plan.js";

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
  /**
   * Paired backends: the fast path (true: fused kernels on WebGPU, explicit-transpose
   * products on wasm) or the straightforward tfjs ops (false).
   */
  fused?: boolean;
  gflopPerStep: number;
  gflops: number | null;
  /** Live tensors equal after warm-up and after the timed steps. */
  tensorsFlat: boolean | null;
  /** The same step in PyTorch on this machine (the faster of its runs), when torch is present. */
  pytorchMs?: number | null;
  /** How that PyTorch time was taken, e.g. "1 thread; 2 threads: 816 ms". */
  pytorchDetail?: string;
  note?: string;
  skipped?: string;
  error?: string;
}

const fmt = (value: number | null | undefined, digits: number) =>
  value === null || value === undefined
    ? "-"
    : value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function pathLabel(r: Pick<BenchRow, "backend" | "fused">): string {
  if (r.fused === undefined) return r.backend;
  if (!r.fused) return `${r.backend} straightforward`;
  return `${r.backend} ${GPU_BACKENDS.includes(r.backend) ? "fused" : "fast"}`;
}

/**
 * "vs straightforward" for a fast-path row: how many times faster than its straightforward
 * twin (same model, backend and batch), and its kernels (and dispatches) as a share of the
 * twin's.
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

/** tfjs time / PyTorch time: "5.2x" (above 1: slower than PyTorch). */
export function torchRatio(row: BenchRow): string {
  if (!row.medianMs || !row.pytorchMs) return "-";
  return `${(row.medianMs / row.pytorchMs).toFixed(1)}x`;
}

function torchCell(row: BenchRow): string {
  if (row.pytorchMs === undefined) return "-";
  if (row.pytorchMs === null) return row.pytorchDetail ?? "no PyTorch";
  return `${fmt(row.pytorchMs, 0)}${row.pytorchDetail ? ` (${row.pytorchDetail})` : ""}`;
}

export function markdownTable(rows: BenchRow[]): string {
  const header =
    "| model | params | backend | batch | ms/step (median) | timed steps | kernels/step | dispatches/step | GFLOP/step | GFLOP/s | vs straightforward | PyTorch ms/step | tfjs / PyTorch | notes |";
  const rule = "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|";
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
    return `| ${r.model} | ${r.parameters === null ? "-" : r.parameters.toLocaleString("en-US")} | ${pathLabel(r)} | ${r.batchSize} | ${fmt(r.medianMs, 0)} | ${steps} | ${r.kernels ?? "-"} | ${r.dispatches ?? "-"} | ${fmt(r.gflopPerStep, 2)} | ${fmt(r.gflops, 2)} | ${fusedComparison(r, rows)} | ${torchCell(r)} | ${torchRatio(r)} | ${notes} |`;
  });
  return [header, rule, ...lines].join("\n");
}
