import * as tf from "@tensorflow/tfjs";
import type { MemoryLimits } from "../core/train/memoryPlanner.js";

/** What tf.memory() says now; on WebGPU also the GPU buffers in use and allocated (pool included). */
export interface MeasuredMemory {
  backend: string;
  numTensors: number;
  /** Bytes of all tensors; views and clones of one buffer count again. */
  numBytes: number;
  gpuBytesInUse?: number;
  /** Buffers the WebGPU backend holds, freed ones kept for reuse: the high-water mark of past steps. */
  gpuBytesAllocated?: number;
}

export function measuredMemory(): MeasuredMemory {
  // The WebGPU backend adds its buffer manager's counts (tfjs-backend-webgpu's memory()).
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesAllocatedInGPU?: number };
  return {
    backend: tf.getBackend(),
    numTensors: m.numTensors,
    numBytes: m.numBytes,
    gpuBytesInUse: m.numBytesInGPU,
    gpuBytesAllocated: m.numBytesAllocatedInGPU,
  };
}

const GIB = 1024 ** 3;
/** wasm32 addresses at most 4 GiB (the tfjs wasm build's maximum memory). */
const WASM_HEAP = 4 * GIB;

/**
 * The limits the planner compares with: the WebGPU device's buffer limits, and a memory
 * size. Web pages cannot read GPU memory, so on WebGPU it is a guess (4 GiB) the user
 * corrects; on wasm the heap cap; on cpu the device's RAM (navigator.deviceMemory, <= 8 GiB).
 */
export function memoryLimits(deviceMemoryOverride?: number): MemoryLimits & { deviceMemorySource: string } {
  const backend = tf.getBackend();
  const ramGiB = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  const ram = ramGiB ? ramGiB * GIB : undefined;
  let deviceMemory = 4 * GIB;
  let deviceMemorySource = "a guess: web pages cannot read GPU memory; set yours";
  if (backend === "wasm") {
    deviceMemory = Math.min(WASM_HEAP, ram ?? WASM_HEAP);
    deviceMemorySource = "the WebAssembly heap limit (4 GiB) or the device's memory, the smaller";
  } else if (backend === "cpu" && ram) {
    deviceMemory = ram;
    deviceMemorySource = "the device's memory as the browser reports it";
  }
  const limits: MemoryLimits & { deviceMemorySource: string } = {
    deviceMemory: deviceMemoryOverride ?? deviceMemory,
    deviceMemorySource: deviceMemoryOverride ? "set by you" : deviceMemorySource,
  };
  if (backend === "webgpu") {
    const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
    if (device) {
      limits.maxBufferSize = device.limits.maxBufferSize;
      limits.maxStorageBufferBindingSize = device.limits.maxStorageBufferBindingSize;
    }
  }
  return limits;
}
