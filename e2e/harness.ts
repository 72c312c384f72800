/**
 * Kernel-level end-to-end checks run here, on the page's main thread, against the real
 * WebGPU adapter: the tests call window.harness.* from page.evaluate.
 */
import * as tf from "@tensorflow/tfjs";
import * as clip from "../src/core/clip/index.js";
import * as model from "../src/core/clip/model.js";
import * as ops from "../src/core/clip/ops.js";
import * as lossShared from "../src/core/losses/shared.js";
import { verifyObjectiveCases } from "../src/core/losses/verify.js";
import * as bench from "../src/core/train/benchStep.js";
import { chooseBackend } from "../src/worker/backend.js";

// bench: the training-step timing that `npm run bench` also runs in Node (same code everywhere).
const harness = { tf, clip, model, ops, chooseBackend, verifyObjectiveCases, lossShared, bench };
(globalThis as { harness?: typeof harness }).harness = harness;
document.body.dataset.ready = "true";
export type Harness = typeof harness;
