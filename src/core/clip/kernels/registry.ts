import * as tf from "@tensorflow/tfjs";
import type { GpuBackend } from "./runner.js";

/** Registration and invocation helpers shared by the fused kernels. */

type FusedKernelFunc = (args: {
  inputs: Record<string, tf.TensorInfo>;
  backend: GpuBackend;
  attrs: Record<string, unknown>;
}) => tf.TensorInfo | tf.TensorInfo[];

/** Registers `kernelFunc` as `name` for the WebGPU backend (once). */
export function registerWebgpuKernel(name: string, kernelFunc: FusedKernelFunc): void {
  if (tf.getKernel(name, "webgpu")) return;
  tf.registerKernel({
    kernelName: name,
    backendName: "webgpu",
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
  });
}

export function registerFusedGradient(config: tf.GradConfig): void {
  if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
}

/** Runs a registered kernel through the engine (so it is taped, profiled and tidied). */
export function runFused<T extends tf.Tensor | tf.Tensor[]>(
  name: string,
  inputs: Record<string, tf.Tensor>,
  attrs: Record<string, unknown> = {},
): T {
  return tf.engine().runKernel(name, inputs as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as T;
}

export const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
