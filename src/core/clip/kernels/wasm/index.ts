export { batchMatMul, simdBatchMatMulApplies } from "./batchMatMul.js";
export { installWasmKernelFixes } from "./kernelFixes.js";
