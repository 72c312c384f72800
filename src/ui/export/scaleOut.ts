import { SCALE_OBJECTIVES } from "../../core/io/bundle/writer.js";

/**
 * Page-side wording of the scale-out export (run bundles for `scale/`, PyTorch DDP): why a
 * run cannot be exported, the bundle's folder name, and the launch lines to copy. Pure, so
 * the wording is unit-tested.
 */

/** Largest shapes-world export offered: 1M scenes is far past what a tab holds as PNGs anyway. */
export const MAX_BUNDLE_EXAMPLES = 1_000_000;

/** Why the run cannot go to scale/ (an objective it lacks, LoRA), or undefined when it can. */
export function scaleBlocker(config: { objective: string; lora?: { rank?: number } }): string | undefined {
  if (!(SCALE_OBJECTIVES as readonly string[]).includes(config.objective))
    return (
      `The objective "${config.objective}" cannot be exported for scale/: it implements ` +
      `${SCALE_OBJECTIVES.join(", ")} (the browser's +imageneg and +keywords variants are not ported). ` +
      "Pick one of those objectives in the sidebar."
    );
  if ((config.lora?.rank ?? 0) > 0)
    return "LoRA runs cannot be exported for scale/ (it trains full weights): set the LoRA rank to 0 in the sidebar.";
  return undefined;
}

/** A file-system-safe folder name for the bundle: `<model>-<objective>-bundle`. */
export function bundleFolderName(modelName: string | undefined, objective: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "");
  return `${safe(modelName ?? "") || "model"}-${safe(objective) || "run"}-bundle`;
}

/** The output folder the launch lines name for a bundle folder. */
export function outFolderName(bundleFolder: string): string {
  return bundleFolder.replace(/-bundle$/, "") + "-out";
}

/**
 * Processes on one machine for the launch lines: the most of `preferred` that divides the
 * global batch (scale/ splits run.json's batch evenly over the processes).
 */
export function processCount(batchSize: number, preferred: number): number {
  for (let n = Math.max(1, Math.min(preferred, batchSize)); n > 1; n--) if (batchSize % n === 0) return n;
  return 1;
}

export interface LaunchCommands {
  /** One node with GPUs (NCCL). */
  gpu: string;
  /** CPUs with Debian's python3-torch (gloo; scale/torchrun.py works around its torchrun bug). */
  cpu: string;
  /** Validates the bundle before a long run. */
  check: string;
}

/** The lines to run next to `scale/` after unzipping the bundle (see the README's "Scale out"). */
export function launchCommands(bundleFolder: string, batchSize: number): LaunchCommands {
  const out = outFolderName(bundleFolder);
  const args = `scale/cli.py train --bundle ${bundleFolder} --out ${out}`;
  return {
    check: `python3 scale/cli.py check-bundle ${bundleFolder}`,
    gpu: `torchrun --nproc_per_node ${processCount(batchSize, 8)} ${args} --backend nccl --device cuda`,
    cpu: `python3 scale/torchrun.py --nproc_per_node ${processCount(batchSize, 2)} ${args} --backend gloo --device cpu`,
  };
}

/** The files of a scale/ output folder the import reads (top level only: not the checkpoint). */
const RESULT_FILES = new Set([
  "config.json",
  "model.safetensors",
  "tokenizer.json",
  "tokenizer_config.json",
  "vocab.json",
  "merges.txt",
  "special_tokens_map.json",
  "metrics.csv",
  "run.json",
]);

/**
 * The name a picked folder's file is imported under, or undefined to skip it: the path
 * relative to the picked folder (its first segment dropped), top-level result files only.
 */
export function resultFileName(relativePath: string): string | undefined {
  const parts = relativePath.split("/").filter(Boolean);
  const inside = parts.length > 1 ? parts.slice(1) : parts;
  return inside.length === 1 && RESULT_FILES.has(inside[0]) ? inside[0] : undefined;
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** One line about a finished run from its run.json (steps, processes, throughput). */
export function runRecordSummary(record: Record<string, unknown>, metricRows: number): string {
  const parts = [`${metricRows.toLocaleString("en-US")} metric rows`];
  const steps = num(record.stepsDone);
  if (steps !== undefined) parts.push(`${steps.toLocaleString("en-US")} steps`);
  const world = num(record.worldSize);
  if (world !== undefined) {
    const device = typeof record.device === "string" ? ` (${record.device})` : "";
    parts.push(`${world} process${world === 1 ? "" : "es"}${device}`);
  }
  const sps = num(record.stepsPerSecond);
  const ips = num(record.imagesPerSecond);
  if (sps !== undefined) parts.push(`${sps} steps/s`);
  if (ips !== undefined) parts.push(`${ips} images/s`);
  if (record.interrupted === true) parts.push("interrupted before the last step");
  return parts.join(", ");
}
