import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { disposeClip, loadClip } from "../core/clip/index.js";
import { readFolder, TINY_CLIP_DIR } from "../core/clip/testing.js";
import { compareApi, forwardToCompare } from "./compareApi.js";
import { adoptNewModel, runRecord } from "./exportApi.js";
import { session } from "./session.js";
import { type TrainingEvent, trainingApi } from "./trainingApi.js";

/** The weights as plain arrays, by name. */
async function weights(): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, t] of session.model!.params) out.set(name, (await t.data()) as Float32Array);
  return out;
}

function maxDifference(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let max = 0;
  for (const [name, values] of a) {
    const other = b.get(name)!;
    for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i] - other[i]));
  }
  return max;
}

const compareEvents: TrainingEvent[] = [];
const trainTabEvents: TrainingEvent[] = [];

beforeAll(async () => {
  await tf.setBackend("cpu");
  session.model = await loadClip(readFolder(TINY_CLIP_DIR), { trainable: true });
  adoptNewModel();
  // The wiring of labWorker.ts: compare runs report to the Compare tab only.
  trainingApi.subscribe((event) => {
    if (!forwardToCompare(event)) trainTabEvents.push(event);
  });
  compareApi.subscribeCompare((event) => compareEvents.push(event));
});

afterAll(async () => {
  await trainingApi.stop();
  if (session.model) disposeClip(session.model);
  if (session.baseModel) disposeClip(session.baseModel);
  session.model = undefined;
  session.baseModel = undefined;
});

describe("compare worker API", () => {
  it("resets the weights to the base exactly, without leaking tensors", async () => {
    const base = await weights();
    const name = "text_projection.weight";
    const variable = session.model!.params.get(name) as tf.Variable;
    tf.tidy(() => variable.assign(tf.add(variable, 1)));
    expect(maxDifference(await weights(), base)).toBeCloseTo(1, 5);
    const tensors = tf.memory().numTensors;
    await compareApi.resetToBaseModel();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(maxDifference(await weights(), base)).toBe(0);
  });

  it("trains a run from the base, reports it to the Compare listener only, then evaluates", async () => {
    const base = await weights();
    const config = await compareApi.startCompareRun({
      objective: "negclip",
      steps: 2,
      batchSize: 2,
      evalEvery: 0,
      checkpointEvery: 0,
      warmupSteps: 0,
      lr: 1e-2,
    });
    expect(config.objective).toBe("negclip");
    await vi.waitFor(
      () => expect(compareEvents.some((e) => e.type === "status" && e.status === "done")).toBe(true),
      { timeout: 60_000 },
    );
    const steps = compareEvents.flatMap((e) => (e.type === "steps" ? e.steps : []));
    expect(steps.map((s) => s.step)).toEqual([0, 1]);
    expect(steps.every((s) => Number.isFinite(s.loss) && s.numBytes > 0)).toBe(true);
    expect(trainTabEvents.filter((e) => e.type === "steps")).toEqual([]);
    expect(runRecord.config?.objective).toBe("negclip");
    expect(maxDifference(await weights(), base)).toBeGreaterThan(0);

    const result = await compareApi.evaluateHeldout({ n: 8 });
    expect(result.n).toBe(8);
    expect("perSample" in result).toBe(false);
    for (const v of [
      result.r1_i2t,
      result.r1_t2i,
      ...Object.values(result.perType).filter((x) => x !== null),
    ])
      expect(v).toBeGreaterThanOrEqual(0);
    expect(runRecord.benchmark?.current.n).toBe(8);

    // After the run ended, events go to the Train tab again (the next run's "stopped" included).
    await compareApi.resetToBaseModel();
    expect(trainTabEvents.at(-1)).toMatchObject({ type: "status", status: "stopped" });
    expect(maxDifference(await weights(), base)).toBe(0);
  });
});
