import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { type CeClipOptions, ceClipObjective } from "./ceclip.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const defaults = ceClipObjective.defaultOptions;

// N = 3, K = 3, D = 3 with exact geometry: images e1, e2, e3; captions equal to their image
// (g_i = s); negative k of sample i leans towards its image by cos c_k.
function batch(mask: number[][]) {
  const cos = [0.9, 0.5, -0.2];
  const sin = cos.map((c) => Math.sqrt(1 - c * c));
  const eye = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  const negatives = eye.flatMap((e, i) =>
    cos.map((c, k) => e.map((x, j) => c * x + sin[k] * eye[(i + 1) % 3][j])),
  );
  return {
    imageEmb: tf.tensor2d(eye),
    textEmb: tf.tensor2d(eye),
    hardNegEmb: tf.tensor2d(negatives),
    validMask: tf.tensor2d(mask),
    numNegativeTypes: 3,
    logitScaleLog: tf.scalar(Math.log(10)), // s = 10: g = 10, h_ik = 10 c_k
  };
}
const allValid = [
  [1, 1, 1],
  [1, 1, 1],
  [1, 1, 1],
];

function next(options: CeClipOptions, previous: number[], mask = allValid): number[] {
  return tf.tidy(() => {
    const out = ceClipObjective.compute(batch(mask), { thresholds: tf.tensor1d(previous) }, options);
    return Array.from(out.nextState.thresholds.dataSync());
  });
}

describe("ceclip adaptive thresholds", () => {
  it("mean: clamp(mean g - mean valid h, 0, upperBound) per type", () => {
    // gap_k = 10 - 10 c_k = [1, 5, 12] -> the last is clamped to upperBound 10 (ceclip.json covers 0).
    const [t0, t1, t2] = next(defaults, [0, 0, 0]);
    expect(t0).toBeCloseTo(1, 4);
    expect(t1).toBeCloseTo(5, 4);
    expect(t2).toBeCloseTo(10, 4);
    const [, , atUpperBound] = next({ ...defaults, upperBound: 3 }, [0, 0, 0]);
    expect(atUpperBound).toBeCloseTo(3, 4);
  });

  it("a type with no valid sample in the batch keeps its previous theta", () => {
    const typeOneMissing = [
      [1, 0, 1],
      [1, 0, 1],
      [1, 0, 1],
    ];
    for (const thresholdType of ["mean", "max"] as const) {
      const [t0, t1] = next({ ...defaults, thresholdType }, [0.25, 7.5, 0.5], typeOneMissing);
      expect(t1).toBe(7.5);
      expect(t0).not.toBe(0.25); // the other types do update
    }
  });

  it("mean over valid negatives only, but over every sample's g", () => {
    // Sample 0's type-0 negative is masked: its h (= 9) must not enter the mean of h.
    const mask = [
      [0, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ];
    expect(next(defaults, [0, 0, 0], mask)[0]).toBeCloseTo(1, 4); // still 10 - 9
    const out = tf.tidy(() => {
      const o = ceClipObjective.compute(batch(mask), { thresholds: tf.tensor1d([0, 0, 0]) }, defaults);
      return [o.terms.gap_0.dataSync()[0], o.terms.violationRate_0.dataSync()[0]];
    });
    expect(out[0]).toBeCloseTo(1, 4);
    expect(out[1]).toBe(0);
  });

  it("max: clamp(max_i (g_i m_ik - h_ik) / 5, 0, upperBound)", () => {
    // max_i (10 - 10 c_k) / 5 = [0.2, 1, 2.4]
    const [t0, t1, t2] = next({ ...defaults, thresholdType: "max" }, [3, 3, 3]);
    expect(t0).toBeCloseTo(0.2, 4);
    expect(t1).toBeCloseTo(1, 4);
    expect(t2).toBeCloseTo(2.4, 4);
    // A masked row contributes g*0 - 0 = 0, which the clamp at 0 absorbs.
    const [, , clamped] = next({ ...defaults, thresholdType: "max", upperBound: 2 }, [3, 3, 3]);
    expect(clamped).toBeCloseTo(2, 4);
  });

  it("fixed: never changes, not even at an epoch start", () => {
    const fixed: CeClipOptions = {
      ...defaults,
      thresholdType: "fixed",
      fixedThreshold: 2.5,
      resetEachEpoch: false,
    };
    const state = ceClipObjective.initialState(fixed, 3);
    expect(Array.from(state.thresholds.dataSync())).toEqual([2.5, 2.5, 2.5]);
    expect(next(fixed, [2.5, 2.5, 2.5])).toEqual([2.5, 2.5, 2.5]);
    const epoch = ceClipObjective.onEpochStart(state, fixed);
    expect(Array.from(epoch.thresholds.dataSync())).toEqual([2.5, 2.5, 2.5]);
  });

  it("resetEachEpoch: back to 0 when true, carried when false; always fresh tensors", () => {
    const carried = ceClipObjective.deserializeState({ thresholds: [1, 2, 3] }, defaults, 3);
    const reset = ceClipObjective.onEpochStart(carried, defaults);
    expect(Array.from(reset.thresholds.dataSync())).toEqual([0, 0, 0]);
    const kept = ceClipObjective.onEpochStart(carried, { ...defaults, resetEachEpoch: false });
    carried.thresholds.dispose(); // the caller disposes the old state; the new one survives
    expect(Array.from(kept.thresholds.dataSync())).toEqual([1, 2, 3]);
  });

  it("serialises to plain numbers and back; rejects a state of the wrong size", async () => {
    const state = ceClipObjective.deserializeState({ thresholds: [0.5, 1.25, 10] }, defaults, 3);
    const saved = await ceClipObjective.serializeState(state);
    expect(JSON.parse(JSON.stringify(saved))).toEqual({ thresholds: [0.5, 1.25, 10] });
    expect(() => ceClipObjective.deserializeState({ thresholds: [1, 2] }, defaults, 3)).toThrow(/3 finite/);
  });
});
