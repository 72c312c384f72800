import { installWasmKernelFixes } from "./kernelFixes.js";

export { batchMatMul, simdBatchMatMulApplies } from "./batchMatMul.js";

/**
 * Our replacements of tfjs-backend-wasm kernels (./kernelFixes.ts). Idempotent and cheap, so the
 * training step calls it each time: the wasm backend may be imported after this module.
 */
export function installWasmKernels(): void {
  installWasmKernelFixes();
}
