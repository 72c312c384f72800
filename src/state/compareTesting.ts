import type { StepEvent } from "../worker/trainingApi.js";
import type { HeldoutResult } from "./compareQueue.js";

/** Test data of the Compare tab's logic (used by tests only). */

/** Step i's event: loss 2 - i/10, 50 ms, 1 MB + i bytes. */
export function step(i: number, fields: Partial<StepEvent> = {}): StepEvent {
  return {
    step: i,
    epoch: 0,
    lr: 1e-3,
    loss: 2 - i / 10,
    terms: { itc: 2 - i / 10 },
    gradNorm: 1,
    logitScale: 14,
    applied: true,
    msPerStep: 50,
    examplesPerSecond: 80,
    numTensors: 100,
    numBytes: 1_000_000 + i,
    ...fields,
  };
}

export const HELDOUT: HeldoutResult = {
  n: 100,
  candidates: 100,
  r1_i2t: 0.6,
  r5_i2t: 0.9,
  r1_t2i: 0.55,
  r5_t2i: 0.95,
  perType: { attributeSwap: 0.75, objectSwap: 0.5 },
  perTypeCount: { attributeSwap: 100, objectSwap: 90 },
};
