import type { BenchModel } from "./models.js";

export type BenchBackend = "wasm" | "cpu" | "webgpu";
export const BENCH_BACKENDS: BenchBackend[] = ["wasm", "cpu", "webgpu"];
export const BENCH_BATCHES = [16, 64];

export interface BenchCase {
  model: BenchModel;
  backend: BenchBackend;
  batchSize: number;
  warmupSteps: number;
  timedSteps: number;
  /** Why the case does not run (it still gets a row). */
  skip?: string;
  /** Shown next to the result, e.g. fewer steps than the others. */
  note?: string;
  /** WebGPU only: the fused kernels (true) or the straightforward tfjs ops (false). */
  fused?: boolean;
}

export interface PlanOptions {
  warmupSteps: number;
  timedSteps: number;
  /** Every model and batch on every backend, with full step counts. */
  full: boolean;
  batches: number[];
}

/**
 * SwiftShader (CPU-emulated WebGPU) takes ~10-90 s per straightforward step of the default
 * model at batch 16 (more under load), so by default WebGPU runs that one case, fused and
 * straightforward, with few steps.
 */
const WEBGPU_QUICK = { warmupSteps: 1, timedSteps: 2 };

/** Which (model, backend, batch) cases run, and with how many steps. */
export function planCases(models: BenchModel[], backends: BenchBackend[], options: PlanOptions): BenchCase[] {
  const cases: BenchCase[] = [];
  for (const backend of backends)
    for (const model of models)
      for (const batchSize of options.batches) {
        const base = {
          model,
          backend,
          batchSize,
          warmupSteps: options.warmupSteps,
          timedSteps: options.timedSteps,
        };
        if (options.full || backend === "wasm") cases.push(base);
        else if (backend === "cpu")
          cases.push(
            model.id === "fixture" && batchSize === 16
              ? base
              : { ...base, skip: "skipped: cpu is ~10x slower than wasm (--full runs it)" },
          );
        else if (model.id === "default" && batchSize === 16) {
          const warmupSteps = Math.min(options.warmupSteps, WEBGPU_QUICK.warmupSteps);
          const timedSteps = Math.min(options.timedSteps, WEBGPU_QUICK.timedSteps);
          cases.push({ ...base, warmupSteps, timedSteps, note: "fewer steps (SwiftShader is slow)" });
        } else cases.push({ ...base, skip: "skipped: slow on SwiftShader (--full runs it)" });
      }
  // WebGPU: every case twice, on the fused kernels and on the straightforward tfjs ops
  // (bench.ts measures each pair in one interleaved run).
  return cases.flatMap((c) =>
    c.backend === "webgpu"
      ? [
          { ...c, fused: true },
          { ...c, fused: false },
        ]
      : [c],
  );
}
