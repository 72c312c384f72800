import * as tf from "@tensorflow/tfjs";

/**
 * Whether the model runs on the fused kernels of this folder. They exist for the WebGPU
 * backend only (other backends always take the plain tfjs ops of ../ops.ts); "auto", the
 * default, uses them wherever they exist. `false` keeps the straightforward path, for
 * comparison (benchmarks, tests).
 */
export type FusedSetting = boolean | "auto";

let setting: FusedSetting = "auto";

/** The backends the fused kernels are registered for. */
export const FUSED_BACKENDS: readonly string[] = ["webgpu"];

export function setFusedKernels(on: FusedSetting): void {
  setting = on;
}

export function fusedKernelsSetting(): FusedSetting {
  return setting;
}

/** True when ops should take the fused kernels on the active backend now. */
export function fusedKernelsActive(): boolean {
  return setting !== false && FUSED_BACKENDS.includes(tf.getBackend());
}
