import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { loadClip } from "../../clip/index.js";
import type { RgbaImage } from "../../clip/preprocess.js";
import { readFolder, TINY_CLIP_DIR } from "../../clip/testing.js";
import { parseTrainConfig } from "../../train/config.js";
import { Trainer } from "../../train/trainer.js";
import { parseUpload } from "./parse.js";
import { uploadExampleSource } from "./source.js";
import { decodePngFile, pngFiles, textFile } from "./testFiles.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

async function upload() {
  const csv = [
    "image,caption,negative_1,negative_types",
    "a.png,a red square on the left,a blue square on the left,adjectiveReplace",
    "b.png,a green circle,a green square,nounReplace",
    "c.png,two dogs and a cat,,",
    "d.png,a cat next to a dog,a dog next to a cat,",
  ].join("\n");
  const images = new Map<string, RgbaImage>();
  const result = await parseUpload(
    [textFile("d.csv", csv), ...pngFiles(["a.png", "b.png", "c.png", "d.png"])],
    {
      decodeImage: decodePngFile,
      onImage: (name, image) => {
        images.set(name, image);
      },
      negatives: { seed: 0, types: ["nounSwap", "adjectiveReplace", "nounReplace", "verbReplace"] },
    },
  );
  return { result, images };
}

describe("uploadExampleSource", () => {
  it("serves items with their slots and decoded images", async () => {
    const { result, images } = await upload();
    const source = uploadExampleSource(result, (name) => images.get(name)!);
    expect(source.size).toBe(4);
    expect(source.negativeTypeNames).toEqual([
      "nounSwap",
      "adjectiveReplace",
      "nounReplace",
      "verbReplace",
      "user_1",
    ]);
    expect(source.numNegativeTypes).toBe(5);
    const a = source.get(0);
    expect(a.caption).toBe("a red square on the left");
    expect(a.negatives[1]).toBe("a blue square on the left");
    expect(a.image).toBe(images.get("a.png"));
    expect(source.get(3).negatives[4]).toBe("a dog next to a cat");
    expect(() => source.get(4)).toThrow(RangeError);
    expect(() => uploadExampleSource({ items: [], negativeTypeNames: [] }, () => a.image)).toThrow(
      "the upload has no usable image-caption pairs",
    );
  });

  // On wasm (same semantics as cpu, ~10x faster), as the trainer's own tests.
  it("trains CE-CLIP for a few steps with one threshold per slot", async () => {
    await tf.setBackend("wasm");
    const { result, images } = await upload();
    const source = uploadExampleSource(result, (name) => images.get(name)!);
    const model = await loadClip(readFolder(TINY_CLIP_DIR), { trainable: true });
    const config = parseTrainConfig({
      objective: "ceclip",
      steps: 10,
      batchSize: 4,
      lr: 2e-3,
      warmupSteps: 1,
    });
    const trainer = new Trainer(model.params, model.config, model.tokenizer, source, config);
    for (let i = 0; i < 10; i++) trainer.step();
    const metrics = await trainer.readMetrics();
    trainer.dispose();
    await tf.setBackend("cpu");
    expect(metrics.map((m) => m.step)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    for (const m of metrics) expect(Number.isFinite(m.loss)).toBe(true);
    expect(Object.keys(metrics[0].terms).filter((t) => t.startsWith("theta_"))).toHaveLength(5);
    // One fixed batch: ten steps lower the loss.
    expect(metrics[9].loss).toBeLessThan(metrics[0].loss);
  });
});
