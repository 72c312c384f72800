import type { BenchModel } from "./models.js";

/**
 * wasm and cpu: tfjs in Node; wasm-worker: tfjs wasm in a module worker of headless Chromium
 * (as the app trains); webgpu: Chromium's WebGPU (SwiftShader here); node-webgpu: Node's
 * WebGPU through Dawn (a real GPU's Vulkan driver; none here).
 */
export type BenchBackend = "wasm" | "wasm-worker" | "cpu" | "webgpu" | "node-webgpu";
export const BENCH_BACKENDS: BenchBackend[] = ["wasm", "wasm-worker", "cpu", "webgpu", "node-webgpu"];
export const BENCH_BATCHES = [16, 64];
/** Backends timed on both paths (fast and straightforward, interleaved) for the ratio. */
export const PAIRED_BACKENDS: BenchBackend[] = ["wasm", "wasm-worker", "webgpu", "node-webgpu"];
/** Backends whose fast path is the fused WebGPU kernels. */
export const GPU_BACKENDS: BenchBackend[] = ["webgpu", "node-webgpu"];

export interface BenchCase {
  model: BenchModel;
  backend: BenchBackend;
  batchSize: number;
  warmupSteps: number;
  timedSteps: number;
  /** Timed steps of the straightforward path, measured with the fast one; absent: fast only. */
  straightforwardSteps?: number;
  /** Why the case does not run (it still gets a row). */
  skip?: string;
  /** Shown next to the result, e.g. fewer steps than the others. */
  note?: string;
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
/** Straightforward wasm steps are ~4x slower: a few timed steps by default. */
const STRAIGHTFORWARD_STEPS = 3;
/** The ~2M model's fast steps by default (a second or more each on wasm). */
const LARGE_MODEL_STEPS = 5;

/** Which (backend, model, batch) cases run, and with how many steps. */
export function planCases(models: BenchModel[], backends: BenchBackend[], options: PlanOptions): BenchCase[] {
  const cases: BenchCase[] = [];
  for (const backend of backends)
    for (const model of models)
      for (const batchSize of options.batches) {
        const base: BenchCase = {
          model,
          backend,
          batchSize,
          warmupSteps: options.warmupSteps,
          timedSteps: options.timedSteps,
        };
        const notes: string[] = [];
        if (!options.full && model.id === "small" && backend !== "node-webgpu" && backend !== "cpu") {
          base.timedSteps = Math.min(options.timedSteps, LARGE_MODEL_STEPS);
          base.warmupSteps = Math.min(options.warmupSteps, 2);
          if (base.timedSteps < options.timedSteps) notes.push(`${base.timedSteps} fast steps (large model)`);
        }
        if (PAIRED_BACKENDS.includes(backend)) {
          base.straightforwardSteps = options.full
            ? base.timedSteps
            : Math.min(base.timedSteps, STRAIGHTFORWARD_STEPS);
          if (base.straightforwardSteps < base.timedSteps)
            notes.push(`straightforward: ${base.straightforwardSteps} timed steps (slow path)`);
        }
        if (backend === "cpu" && !options.full && !(model.id === "fixture" && batchSize === 16)) {
          cases.push({ ...base, skip: "skipped: cpu is ~10x slower than wasm (--full runs it)" });
          continue;
        }
        if (backend === "webgpu" && !options.full) {
          if (model.id !== "default" || batchSize !== 16) {
            cases.push({ ...base, skip: "skipped: slow on SwiftShader (--full runs it)" });
            continue;
          }
          base.warmupSteps = Math.min(options.warmupSteps, WEBGPU_QUICK.warmupSteps);
          base.timedSteps = Math.min(options.timedSteps, WEBGPU_QUICK.timedSteps);
          base.straightforwardSteps = base.timedSteps;
          notes.splice(0, notes.length, "fewer steps (SwiftShader is slow)");
        }
        cases.push(notes.length > 0 ? { ...base, note: notes.join("; ") } : base);
      }
  return cases;
}
