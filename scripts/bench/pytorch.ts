/**
 * The bench's PyTorch column: the same model's CE-CLIP step timed by scale/'s engine
 * (`scale/cli.py bench-step`), with /usr/bin/python3 or $HARDNEG_PYTHON, when it has torch.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchModel } from "./models.js";

export interface TorchStep {
  torch: string;
  device: string;
  threads: number;
  cores: number;
  blas: string;
  parameters: number;
  batchSize: number;
  textLength: number;
  msPerStep: number[];
  medianMs: number;
}

export const pythonPath = () => process.env.HARDNEG_PYTHON ?? "/usr/bin/python3";

/** torch's version, or why there is no PyTorch column. */
export function torchAvailable(): { version?: string; missing?: string } {
  const run = spawnSync(pythonPath(), ["-c", "import torch, numpy; print(torch.__version__)"], {
    encoding: "utf8",
  });
  if (run.status === 0) return { version: run.stdout.trim() };
  return { missing: run.error ? `${pythonPath()} not found` : `${pythonPath()} has no torch` };
}

/** Where bench-step reads the model: its HF folder, or a config.json written for a scratch model. */
function modelArgs(model: BenchModel): string[] {
  if (model.dir) return ["--model", model.dir];
  if (model.spec.kind !== "scratch") throw new Error(`model ${model.id} has neither a folder nor a config`);
  const path = join(mkdtempSync(join(tmpdir(), "hardneg-bench-")), "config.json");
  writeFileSync(path, JSON.stringify(model.spec.config));
  return ["--config", path];
}

export interface TorchOptions {
  batchSize: number;
  steps: number;
  warmup: number;
  device: "cpu" | "cuda";
  /** CPU threads (default: one per core). */
  threads?: number;
  /** Token columns (the tfjs step's trimmed length; default: the context length). */
  textLength?: number;
}

export function runTorchStep(model: BenchModel, o: TorchOptions): TorchStep {
  const args = [
    "scale/cli.py",
    "bench-step",
    ...modelArgs(model),
    "--batch",
    String(o.batchSize),
    "--steps",
    String(o.steps),
    "--warmup",
    String(o.warmup),
    "--device",
    o.device,
    ...(o.threads ? ["--threads", String(o.threads)] : []),
    ...(o.textLength ? ["--text-length", String(o.textLength)] : []),
  ];
  const run = spawnSync(pythonPath(), args, { encoding: "utf8", maxBuffer: 16 << 20 });
  const last = run.stdout?.trim().split("\n").pop() ?? "";
  if (run.status !== 0 || !last.startsWith("{")) {
    const why = (run.stderr ?? "").trim().split("\n").filter(Boolean).pop() ?? `exit code ${run.status}`;
    throw new Error(`scale/cli.py bench-step failed: ${why}`);
  }
  return JSON.parse(last) as TorchStep;
}
