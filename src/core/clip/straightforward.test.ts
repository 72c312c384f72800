import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { afterEach, describe, expect, it } from "vitest";
import { shapesExampleSource } from "../data/shapesWorld/source.js";
import { imagePatches } from "../train/batches.js";
import { disposeClip, loadClip } from "./index.js";
import { fusedKernelsSetting, setFusedKernels } from "./kernels/index.js";
import { straightforwardOps } from "./kernels/switch.js";
import { encodeImagePatches, encodeTextTokens } from "./model.js";
import { preprocessOptionsFor } from "./preprocess.js";
import { readFolder, TINY_CLIP_DIR } from "./testing.js";

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/**
 * Largest |a - b| relative to the largest |b|, or to `floor` when b is smaller (gradients that
 * are zero in exact arithmetic, such as k_proj's bias under softmax, are rounding noise).
 */
function relativeDiff(a: ArrayLike<number>, b: ArrayLike<number>, floor: number): number {
  let diff = 0;
  for (let i = 0; i < b.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
  return diff / Math.max(maxAbs(b), floor);
}

/**
 * The fast path (explicit transposes, host patchify) against the straightforward one
 * (`setFusedKernels(false)`: transpose flags, autodiff, patchify as a tensor op) on the
 * tiny fixture CLIP: same patches, features and gradients of every parameter.
 */
describe.each(["cpu", "wasm"])("fast vs straightforward path on %s", (backend) => {
  afterEach(() => setFusedKernels("auto"));

  it("switch: false is the straightforward path on every backend, auto is not", () => {
    setFusedKernels("auto");
    expect(straightforwardOps()).toBe(false);
    setFusedKernels(false);
    expect(straightforwardOps()).toBe(true);
    expect(fusedKernelsSetting()).toBe(false);
  });

  it("gives the same patches, features and parameter gradients", async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    const model = await loadClip(readFolder(TINY_CLIP_DIR), { trainable: true });
    const size = model.config.vision_config.image_size;
    const source = shapesExampleSource({ split: "train", seed: 3, size: 6, imageSize: size });
    const images = Array.from({ length: 6 }, (_, i) => source.get(i).image);
    const captions = Array.from({ length: 6 }, (_, i) => source.get(i).caption);
    const { inputIds, shape } = model.tokenizer.encode(captions);
    const tokens = { ids: inputIds, batch: shape[0], length: shape[1] };
    const preprocess = preprocessOptionsFor(size);
    const names = [...model.params.keys()].filter((n) => n !== "logit_scale");
    const run = (straightforward: boolean) => {
      setFusedKernels(straightforward ? false : "auto");
      const patches = imagePatches(images, preprocess, model.config.vision_config.patch_size);
      // A loss that mixes both towers' features so every parameter gets a gradient.
      const loss = () => {
        const image = encodeImagePatches(model.params, model.config, patches).features;
        const text = encodeTextTokens(model.params, model.config, tokens).features;
        return tf.sum(
          tf.mul(tf.matMul(image, text, false, true), tf.range(1, 37).reshape([6, 6]).div(36)),
        ) as tf.Scalar;
      };
      const variables = names.map((n) => model.params.get(n) as tf.Variable);
      const { value, grads } = tf.variableGrads(loss, variables);
      const out = {
        patches: patches.dataSync().slice(),
        loss: value.dataSync()[0],
        grads: Object.fromEntries(names.map((n, i) => [n, grads[variables[i].name].dataSync().slice()])),
      };
      tf.dispose([patches, value, ...Object.values(grads)]);
      return out;
    };
    const fast = run(false);
    const plain = run(true);
    expect(fast.patches).toEqual(plain.patches);
    expect(Math.abs(fast.loss - plain.loss)).toBeLessThan(1e-5 * Math.max(1, Math.abs(plain.loss)));
    expect(Object.keys(fast.grads).length).toBeGreaterThan(30);
    const floor = 1e-3 * Math.max(...names.map((n) => maxAbs(plain.grads[n])));
    for (const n of names) expect(relativeDiff(fast.grads[n], plain.grads[n], floor), n).toBeLessThan(1e-4);
    disposeClip(model);
  });
});
