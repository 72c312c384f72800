/**
 * Kernel-level end-to-end checks run here, on the page's main thread, against the real
 * WebGPU adapter: the tests call window.harness.* from page.evaluate.
 */
import * as tf from "@tensorflow/tfjs";
import * as clip from "../src/core/clip/index.js";
import * as model from "../src/core/clip/model.js";
import * as ops from "../src/core/clip/ops.js";
import { chooseBackend } from "../src/worker/backend.js";

const harness = { tf, clip, model, ops, chooseBackend };
(globalThis as { harness?: typeof harness }).harness = harness;
document.body.dataset.ready = "true";
export type Harness = typeof harness;
