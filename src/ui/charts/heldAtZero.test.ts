import { describe, expect, it } from "vitest";
import type { StepEvent } from "../../worker/trainingApi.js";
import { typesHeldAtZero } from "./heldAtZero.js";

/** Steps 0..count-1 whose per-type threshold and gap come from `terms(step)`. */
function run(count: number, terms: (step: number) => Record<string, number>): StepEvent[] {
  return Array.from({ length: count }, (_, step) => ({
    step,
    epoch: 0,
    lr: 1e-3,
    loss: 1,
    gradNorm: 1,
    logitScale: 30,
    applied: true,
    msPerStep: 10,
    examplesPerSecond: 100,
    numTensors: 10,
    numBytes: 100,
    terms: terms(step),
  }));
}

// Type 0 learnt (θ 3, gap 3.5); type 1 at chance (θ and gap ±0.3 around 0).
const adaptive = (step: number) => ({
  theta_0: 3,
  gap_0: 3.5,
  theta_1: step % 2 ? 0.3 : 0,
  gap_1: step % 2 ? 0.3 : -0.3,
});

describe("typesHeldAtZero", () => {
  it("names the type whose threshold and gap stayed near 0 for the window", () => {
    expect(typesHeldAtZero(run(300, adaptive), 2)).toEqual([1]);
  });

  it("waits until the run is longer than the window", () => {
    expect(typesHeldAtZero(run(200, adaptive), 2)).toEqual([]);
    expect(typesHeldAtZero(run(201, adaptive), 2)).toEqual([1]);
  });

  it("does not name a type whose gap grew within the window, nor a fixed threshold", () => {
    const breaking = run(300, (step) => ({ ...adaptive(step), gap_1: step < 150 ? 0 : 3 }));
    expect(typesHeldAtZero(breaking, 2)).toEqual([]); // mean gap over steps 100-299: 2.25
    const fixed = run(300, (step) => ({ ...adaptive(step), theta_1: 10 }));
    expect(typesHeldAtZero(fixed, 2)).toEqual([]);
  });

  it("skips steps without a valid negative of the type, and a type never seen", () => {
    const sparse = run(300, (step) => ({ ...adaptive(step), gap_1: step % 3 ? Number.NaN : 0.2 }));
    expect(typesHeldAtZero(sparse, 2)).toEqual([1]);
    expect(typesHeldAtZero(run(300, adaptive), 3)).toEqual([1]); // theta_2 missing: NaN, not held
  });
});
