import { registerAdamWKernel } from "./adamw.js";
import { registerAttentionKernels } from "./attention.js";
import { registerEmbeddingKernels } from "./embedding.js";
import { registerLayerNormKernels } from "./layerNorm.js";
import { registerDenseKernels } from "./linear.js";

/**
 * Fused WebGPU kernels (registered tfjs kernels with their gradients): LayerNorm, dense
 * layers with a bias/activation/residual epilogue, multi-head attention, the towers' input
 * embeddings and a flat AdamW.
 * Registering is cheap and backend-independent (they run only when the WebGPU backend is
 * active); ../ops.ts and ../model.ts choose them through `fusedKernelsActive()` and fall
 * back to plain tfjs ops everywhere else.
 */
registerDenseKernels();
registerLayerNormKernels();
registerAttentionKernels();
registerEmbeddingKernels();
registerAdamWKernel();

export { type FusedAdamWArgs, type FusedAdamWResult, fusedAdamWStep } from "./adamw.js";
export { fusedAttention } from "./attention.js";
export { fusedPatchEmbedding, fusedTokenEmbedding } from "./embedding.js";
export { fusedLayerNorm, fusedLayerNormPassThrough } from "./layerNorm.js";
export { type FusedDenseOptions, fusedDense, fusedDenseSupports } from "./linear.js";
export { countBackendDispatches, dispatchesSoFar } from "./runner.js";
export { type FusedSetting, fusedKernelsActive, fusedKernelsSetting, setFusedKernels } from "./switch.js";
export type { EpilogueActivation } from "./wgsl.js";
