import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { encodeImages, encodeText, type LoadedClip, loadClip } from "../clip/index.js";
import { l2Normalize } from "../clip/ops.js";
import { readFolder, TINY_CLIP_DIR } from "../clip/testing.js";
import { NEGATIVE_TYPES, sampleAt } from "../data/shapesWorld/index.js";
import { runBenchmark } from "./benchmark.js";
import { findBenchmarkDataFormat, loadBenchmarkData } from "./dataFormats.js";
import { scoreRetrieval } from "./scoring.js";
import { shapesBenchmarkExamples } from "./shapesHeldout.js";

const N = 6;
const SEED = 3;

let model: LoadedClip;

beforeAll(async () => {
  await tf.setBackend("cpu");
  model = await loadClip(readFolder(TINY_CLIP_DIR));
});

/** cos(image i, text t) computed directly with the model's encoders. */
async function cosines(images: Parameters<typeof encodeImages>[1], texts: string[]): Promise<number[][]> {
  const sims = tf.tidy(() =>
    tf.matMul(l2Normalize(encodeImages(model, images)), l2Normalize(encodeText(model, texts)), false, true),
  );
  const out = (await sims.array()) as number[][];
  sims.dispose();
  return out;
}

describe("runBenchmark on the tiny fixture model", () => {
  const data = shapesBenchmarkExamples({ n: N, seed: SEED, imageSize: 32 });
  const samples = Array.from({ length: N }, (_, i) => sampleAt("heldout", SEED, i, 32));

  it("scores per type and retrieval, matching an independent computation", async () => {
    const before = tf.memory().numTensors;
    const progress: [number, number][] = [];
    const result = await runBenchmark(model, data, {
      keepPerSample: true,
      batchSize: 4,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(progress).toEqual([
      [4, 6],
      [6, 6],
    ]);
    expect(result.n).toBe(N);
    expect(result.candidates).toBe(N);
    expect(Object.keys(result.perType)).toEqual([...NEGATIVE_TYPES]);
    for (const [k, name] of NEGATIVE_TYPES.entries()) {
      const valid = samples.filter((s) => s.negativeMask[k] === 1).length;
      expect(result.perTypeCount[name]).toBe(valid);
      const accuracy = result.perType[name];
      if (valid === 0) expect(accuracy).toBeNull();
      else {
        expect(accuracy).toBeGreaterThanOrEqual(0);
        expect(accuracy).toBeLessThanOrEqual(1);
      }
    }
    for (const r of [result.r1_i2t, result.r5_i2t, result.r1_t2i, result.r5_t2i]) {
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThanOrEqual(1);
    }

    // Sample 0 (mask 1010: two valid, two masked negatives), from the encoders directly.
    const s = samples[0];
    expect(s.negativeMask).toEqual([1, 0, 1, 0]);
    const [row] = await cosines([s.image], [s.caption, ...s.negatives]);
    const perSample = result.perSample!;
    expect(perSample.positive).toHaveLength(N);
    expect(perSample.positive[0]).toBeCloseTo(row[0], 5);
    s.negativeMask.forEach((m, k) => {
      if (m === 1) expect(perSample.negatives[0][k]).toBeCloseTo(row[k + 1], 5);
      else expect(perSample.negatives[0][k]).toBeNull();
    });

    // Retrieval over the one group of 6, from the full similarity matrix.
    const all = await cosines(
      samples.map((x) => x.image),
      samples.map((x) => x.caption),
    );
    const expected = scoreRetrieval(Float32Array.from(all.flat()), N);
    expect({ ...expected }).toEqual({
      r1_i2t: result.r1_i2t,
      r5_i2t: result.r5_i2t,
      r1_t2i: result.r1_t2i,
      r5_t2i: result.r5_t2i,
    });
  });

  it("gives the same numbers whatever the batch size", async () => {
    const small = await runBenchmark(model, data, { batchSize: 1, keepPerSample: true });
    const large = await runBenchmark(model, data, { keepPerSample: true });
    for (let i = 0; i < N; i++)
      expect(small.perSample!.positive[i]).toBeCloseTo(large.perSample!.positive[i], 5);
    expect(small.perType).toEqual(large.perType);
    expect(small.perSample).toBeDefined();
    const plain = await runBenchmark(model, data, { candidates: 4 });
    expect(plain.perSample).toBeUndefined();
    expect(plain.candidates).toBe(4);
  });
});

describe("benchmark data formats", () => {
  it("builds shapes-train and shapes-heldout examples from the named split", async () => {
    const train = await loadBenchmarkData("shapes-train", { n: 2, seed: 7, imageSize: 32 });
    expect(train.size).toBe(2);
    expect(train.negativeTypeNames).toEqual([...NEGATIVE_TYPES]);
    expect(train.get(1).caption).toBe(sampleAt("train", 7, 1, 32).caption);
    const heldout = await loadBenchmarkData("shapes-heldout", { n: 2, seed: 7, imageSize: 32 });
    expect(heldout.get(0).caption).toBe(sampleAt("heldout", 7, 0, 32).caption);
    expect(heldout.get(0).image.width).toBe(32);
  });

  it("rejects an unknown spec with the accepted forms", () => {
    expect(() => findBenchmarkDataFormat("coco")).toThrow(
      'unknown --data "coco" (accepted: shapes-heldout, shapes-train)',
    );
  });
});
