import * as tf from "@tensorflow/tfjs";

/**
 * Whether the model runs on its fast paths. "auto", the default, uses them wherever they
 * exist: the fused kernels of this folder on WebGPU, and on every other backend the plain
 * tfjs ops of ../ops.ts formed for speed (explicit transposes in products and their
 * gradients, host-side patchify). `false` is the straightforward path everywhere, for
 * comparison (benchmarks, tests): plain tfjs ops with transpose flags and autodiff
 * gradients, and patchify as a tensor op.
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

/** True when the model should take the straightforward path (setFusedKernels(false)). */
export function straightforwardOps(): boolean {
  return setting === false;
}

/** True when ops should take the fused kernels on the active backend now. */
export function fusedKernelsActive(): boolean {
  return setting !== false && FUSED_BACKENDS.includes(tf.getBackend());
}
