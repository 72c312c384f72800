/**
 * Kernel-level end-to-end checks run here, on the page's main thread, against the real
 * WebGPU adapter: the tests call window.harness.* from page.evaluate.
 */
import * as tf from "@tensorflow/tfjs";
import * as clip from "../src/core/clip/index.js";
import * as kernels from "../src/core/clip/kernels/index.js";
import * as wasmKernels from "../src/core/clip/kernels/wasm/index.js";
import * as model from "../src/core/clip/model.js";
import * as ops from "../src/core/clip/ops.js";
import { shapesExampleSource } from "../src/core/data/shapesWorld/source.js";
import * as lossShared from "../src/core/losses/shared.js";
import { verifyObjectiveCases } from "../src/core/losses/verify.js";
import { FlatAdamW } from "../src/core/train/adamw.js";
import * as bench from "../src/core/train/benchStep.js";
import { parseTrainConfig } from "../src/core/train/config.js";
import { Trainer } from "../src/core/train/trainer.js";
import { chooseBackend } from "../src/worker/backend.js";
import * as kernelChecks from "./kernelChecks.js";

// bench: the training-step timing that `npm run bench` also runs in Node (same code everywhere).
// kernels, kernelChecks: the fused WebGPU kernels, their switch and fused-vs-plain checks.
// wasmKernels: our wasm-SIMD product and tfjs-wasm kernel fixes (threaded build on this page).
// train: the optimizer and a Trainer on shapes-world scenes (fused vs plain steps, profiles).
const train = { FlatAdamW, Trainer, parseTrainConfig, shapesExampleSource };
const harness = {
  tf,
  clip,
  model,
  ops,
  kernels,
  kernelChecks,
  wasmKernels,
  chooseBackend,
  verifyObjectiveCases,
  lossShared,
  bench,
  train,
};
(globalThis as { harness?: typeof harness }).harness = harness;
document.body.dataset.ready = "true";
export type Harness = typeof harness;
