import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { type LoadedClip, loadClip } from "./index.js";
import {
  clipLogits,
  encodeImagePixels,
  encodeTextTokens,
  patchify,
  patchifyHost,
  poolingPositions,
  trimTrailingPadding,
} from "./model.js";
import { maxAbsDiff, readFolder, readJson, TINY_CLIP_DIR } from "./testing.js";

interface Expected {
  input_ids: number[][];
  pixel_values: number[][][][];
  text_features: number[][];
  image_features: number[][];
  logits_per_image: number[][];
}

describe("CLIP forward parity with HF transformers (tiny fixture, cpu backend)", () => {
  let model: LoadedClip;
  const expected = readJson<Expected>(join(TINY_CLIP_DIR, "expected.json"));

  beforeAll(async () => {
    await tf.setBackend("cpu");
    model = await loadClip(readFolder(TINY_CLIP_DIR));
  });

  const textBatch = () => ({
    ids: Int32Array.from(expected.input_ids.flat()),
    batch: expected.input_ids.length,
    length: expected.input_ids[0].length,
  });

  it("text features match within 1e-4", () => {
    const features = tf.tidy(() => encodeTextTokens(model.params, model.config, textBatch()).features);
    expect(features.shape).toEqual([7, 32]);
    expect(maxAbsDiff(features.dataSync(), expected.text_features.flat())).toBeLessThan(1e-4);
    features.dispose();
  });

  it("image features match within 1e-4", () => {
    const features = tf.tidy(
      () => encodeImagePixels(model.params, model.config, tf.tensor4d(expected.pixel_values)).features,
    );
    expect(maxAbsDiff(features.dataSync(), expected.image_features.flat())).toBeLessThan(1e-4);
    features.dispose();
  });

  it("logits_per_image match within 1e-4", () => {
    const logits = tf.tidy(() => {
      const img = encodeImagePixels(model.params, model.config, tf.tensor4d(expected.pixel_values)).features;
      const txt = encodeTextTokens(model.params, model.config, textBatch()).features;
      return clipLogits(model.params, img, txt);
    });
    expect(maxAbsDiff(logits.dataSync(), expected.logits_per_image.flat())).toBeLessThan(1e-4);
    logits.dispose();
  });

  it("token-level outputs have one row per token and patch, and pool at end-of-text", () => {
    const out = tf.tidy(() => {
      const text = encodeTextTokens(model.params, model.config, textBatch());
      const image = encodeImagePixels(model.params, model.config, tf.tensor4d(expected.pixel_values));
      return [text.tokens(), image.tokens(), text.features];
    });
    // Text tokens stop after the batch's last end-of-text (trailing padding is not computed).
    const positions = poolingPositions(textBatch(), model.config.text_config.eos_token_id);
    expect(out[0].shape).toEqual([7, Math.max(...positions) + 1, 32]);
    expect(out[1].shape).toEqual([5, 16, 32]);
    // The pooled feature is the token output at the end-of-text position.
    const tokens = out[0].arraySync() as number[][][];
    const pooled = out[2].arraySync() as number[][];
    for (let b = 0; b < 7; b++) expect(maxAbsDiff(tokens[b][positions[b]], pooled[b])).toBeLessThan(1e-6);
    tf.dispose(out);
  });

  it("padding after the batch's longest text is not computed and changes no feature", () => {
    const eos = model.config.text_config.eos_token_id;
    const all = textBatch();
    const positions = poolingPositions(all, eos);
    // The fixture's shorter texts alone: their batch ends in columns of padding only.
    const rows = [...positions.keys()].filter((b) => positions[b] < 14);
    const batch = {
      ids: Int32Array.from(
        rows.flatMap((b) => Array.from(all.ids.subarray(b * all.length, (b + 1) * all.length))),
      ),
      batch: rows.length,
      length: all.length,
    };
    const cut = trimTrailingPadding(batch, poolingPositions(batch, eos));
    expect(cut.length).toBe(Math.max(...rows.map((b) => positions[b])) + 1);
    expect(cut.length).toBeLessThan(all.length);
    const [full, tokens] = tf.tidy(() => {
      const out = encodeTextTokens(model.params, model.config, batch);
      return [out.features, out.tokens()];
    });
    expect(tokens.shape[1]).toBe(cut.length);
    const expectedRows = rows.flatMap((b) => expected.text_features[b]);
    expect(maxAbsDiff(full.dataSync(), expectedRows)).toBeLessThan(1e-4);
    tf.dispose([full, tokens]);
  });

  it("pooling: first eos position, or argmax for legacy eos_token_id 2", () => {
    const batch = { ids: Int32Array.from([5, 9, 7, 9, 0, 0]), batch: 2, length: 3 };
    expect(Array.from(poolingPositions(batch, 9))).toEqual([1, 0]);
    expect(Array.from(poolingPositions(batch, 2))).toEqual([1, 0]);
    const noEos = { ids: Int32Array.from([5, 6, 7]), batch: 1, length: 3 };
    expect(Array.from(poolingPositions(noEos, 2))).toEqual([2]);
  });

  it("the forward pass leaks no tensors", () => {
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => encodeTextTokens(model.params, model.config, textBatch()).features).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("patchifyHost", () => {
  it("lays out patches exactly as the on-device patchify", async () => {
    await tf.setBackend("cpu");
    const pixels = Float32Array.from({ length: 2 * 3 * 16 * 16 }, (_, i) => Math.sin(i));
    const device = patchify(tf.tensor4d(pixels, [2, 3, 16, 16]), 4);
    expect(Array.from(patchifyHost(pixels, 2, 16, 4))).toEqual(Array.from(device.dataSync()));
    device.dispose();
  });
});
