/**
 * Which backend trains: pure rules over measured training steps (no tfjs here, so they are
 * unit-tested on plain numbers). The worker times one real step per backend (backendApi.ts);
 * these functions bound each measurement and pick the fastest, or the user's override.
 */
export type BackendName = "webgpu" | "wasm" | "cpu";

/**
 * Measurement order: wasm first, because it starts everywhere and its time bounds the others
 * (a CPU-emulated WebGPU adapter can take minutes per step and must not run unbounded).
 */
export const MEASURE_ORDER: BackendName[] = ["wasm", "webgpu", "cpu"];

/**
 * Whether tfjs's threaded wasm build is worth taking: tfjs runs half the logical cores as
 * threads, so below 4 cores it runs one, and the threaded build then only adds its thread
 * pool's hand-offs (and makes our SIMD product copy its operands out of a shared heap). The
 * single-threaded SIMD build computes the same and was faster: 259 against 282 ms per step
 * (default model, batch 64, a Chromium worker on a 2-core machine, `npm run bench`).
 */
export function wasmThreadsWorthIt(logicalCores: number): boolean {
  return Math.floor(logicalCores / 2) > 1;
}

export type MeasurementStatus = "pending" | "measuring" | "measured" | "too-slow" | "failed" | "unavailable";

export interface BackendMeasurement {
  backend: BackendName;
  status: MeasurementStatus;
  /** The first step: kernel compilation and allocation included. */
  firstStepMs?: number;
  /** The second step: what a step of the run costs. */
  msPerStep?: number;
  /** For "too-slow": the time the aborted step was allowed. */
  boundMs?: number;
  /** What ran: "SIMD, 2 threads", the GPU adapter's name. */
  detail?: string;
  /** The WebGPU adapter is emulated on the CPU (SwiftShader). */
  software?: boolean;
  /** Why it is unavailable, failed or too slow. */
  reason?: string;
}

export interface StepBounds {
  /** A step may take this many times the fastest backend's step of the same kind... */
  factor: number;
  /**
   * ...but never less than this: a WebGPU first step compiles a few hundred kernels, seconds
   * on a real GPU, while wasm and cpu compile nothing...
   */
  minCompilingFirstMs: number;
  minTimedMs: number;
  /** ...and never more than this. */
  capMs: number;
}

export const DEFAULT_BOUNDS: StepBounds = {
  factor: 10,
  minCompilingFirstMs: 10_000,
  minTimedMs: 1_000,
  capMs: 60_000,
};

/** Backends whose first step compiles kernels (GPU pipelines). */
export const COMPILING_BACKENDS: readonly BackendName[] = ["webgpu"];

/**
 * How long `backend`'s first or timed step may take: `factor` times the fastest completed
 * measurement of that step, clamped to [floor, cap]; the cap when none completed.
 */
export function stepBoundMs(
  done: readonly BackendMeasurement[],
  backend: BackendName,
  step: "first" | "timed",
  bounds: StepBounds = DEFAULT_BOUNDS,
): number {
  const times = done
    .filter((m) => m.status === "measured")
    .map((m) => (step === "first" ? m.firstStepMs : m.msPerStep))
    .filter((t): t is number => t !== undefined && Number.isFinite(t));
  if (times.length === 0) return bounds.capMs;
  const floor =
    step === "timed"
      ? bounds.minTimedMs
      : COMPILING_BACKENDS.includes(backend)
        ? bounds.minCompilingFirstMs
        : 0;
  return Math.min(bounds.capMs, Math.max(floor, bounds.factor * Math.min(...times)));
}

/** The measured backend with the fastest step, if any completed. */
export function fastestBackend(measurements: readonly BackendMeasurement[]): BackendName | undefined {
  let best: BackendMeasurement | undefined;
  for (const m of measurements) {
    if (m.status !== "measured" || m.msPerStep === undefined) continue;
    if (!best || m.msPerStep < (best.msPerStep as number)) best = m;
  }
  return best?.backend;
}

/** A backend the user may pick: it started (too slow is the user's call; unavailable is not). */
export function isSelectable(m: BackendMeasurement | undefined): boolean {
  return m !== undefined && m.status !== "unavailable" && m.status !== "failed";
}

export type BackendOverride = BackendName | "auto";

export interface BackendChoice {
  backend: BackendName;
  /** One line for the page: why this backend. */
  reason: string;
}

/**
 * The training backend: the override when the user set one (and it can start), else the
 * fastest measured, else `current` (the worker's backend) when nothing was measured.
 */
export function pickTrainingBackend(
  measurements: readonly BackendMeasurement[],
  override: BackendOverride,
  current: BackendName,
): BackendChoice {
  if (override !== "auto") {
    const m = measurements.find((x) => x.backend === override);
    // Not measured (yet) counts as usable: a pinned backend skips the measurement.
    if (!m || m.status === "pending" || isSelectable(m))
      return { backend: override, reason: "chosen by you" };
    const fallback = pickTrainingBackend(measurements, "auto", current);
    return { ...fallback, reason: `${override} cannot start (${m.reason ?? m.status}); ${fallback.reason}` };
  }
  const fastest = fastestBackend(measurements);
  if (fastest) return { backend: fastest, reason: "fastest measured step" };
  return { backend: current, reason: "no backend measured yet" };
}
