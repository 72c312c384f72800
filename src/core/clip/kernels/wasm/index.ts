import { installWasmKernelFixes } from "./kernelFixes.js";

export { batchMatMul, simdBatchMatMulApplies } from "./batchMatMul.js";

/**
 * Our replacements of tfjs-backend-wasm kernels (./kernelFixes.ts). Idempotent and cheap, so
 * every forward pass (attentionHeads) and AdamW step calls it: the wasm backend may be
 * imported after this module.
 */
export function installWasmKernels(): void {
  installWasmKernelFixes();
}
