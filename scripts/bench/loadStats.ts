/**
 * Pure helpers of the "load" section of `npm run bench`: summary statistics of repeated
 * measurements, byte formatting, and the section's markdown table.
 */

export interface Summary {
  count: number;
  median: number;
  p95: number;
  max: number;
  mean: number;
}

/** Count, median, nearest-rank 95th percentile, max and mean; all 0 for no values. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { count: 0, median: 0, p95: 0, max: 0, mean: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const mid = Math.floor(n / 2);
  return {
    count: n,
    median: n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
    p95: sorted[Math.min(n - 1, Math.ceil(0.95 * n) - 1)],
    max: sorted[n - 1],
    mean: sorted.reduce((a, b) => a + b, 0) / n,
  };
}

/** Bytes in binary units with one decimal ("1.5 MiB"); plain bytes below 1 KiB. */
export function formatBytes(bytes: number): string {
  const units = ["KiB", "MiB", "GiB"];
  if (Math.abs(bytes) < 1024) return `${bytes} B`;
  let value = bytes;
  let unit = "B";
  for (const u of units) {
    if (Math.abs(value) < 1024) break;
    value /= 1024;
    unit = u;
  }
  return `${value.toFixed(1)} ${unit}`;
}

/** Live tensors and bytes at two points of a training loop. */
export interface MemorySample {
  step: number;
  numTensors: number;
  numBytes: number;
}

/** Flat: the same tensor count and bytes at the later step as at the earlier one. */
export function memoryIsFlat(early: MemorySample, late: MemorySample): boolean {
  return early.numTensors === late.numTensors && early.numBytes === late.numBytes;
}

/** One measurement of the load section: what, where, the figure, and how it was taken. */
export interface LoadRow {
  measure: string;
  where: string;
  result: string;
  how: string;
}

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

export function loadTable(rows: readonly LoadRow[]): string {
  return [
    "| measure | where | result | how |",
    "|---|---|---|---|",
    ...rows.map((r) => `| ${cell(r.measure)} | ${cell(r.where)} | ${cell(r.result)} | ${cell(r.how)} |`),
  ].join("\n");
}
