import { describe, expect, it } from "vitest";
import {
  applyTrainingEvent,
  BASE_MODEL_RUN,
  type CompareRun,
  type CompareSettings,
  createRun,
  nextQueued,
  queueProgress,
  restoreRuns,
  runConfigFor,
  runEndOf,
  stepsPerSecond,
} from "./compareQueue.js";
import { HELDOUT, step } from "./compareTesting.js";
import { defaultRunConfig } from "./runConfig.js";

const SETTINGS: CompareSettings = { steps: 10, batchSize: 4, seed: 7, evalEvery: 5, heldoutN: 100 };

describe("compare queue", () => {
  it("applies step, evaluation and status events to a run", () => {
    let run = createRun("run-1", "negclip", SETTINGS);
    run = applyTrainingEvent(run, { type: "steps", steps: [step(0), step(1, { msPerStep: 150 })] });
    run = applyTrainingEvent(run, { type: "steps", steps: [] });
    run = applyTrainingEvent(run, {
      type: "eval",
      step: 2,
      result: { ...HELDOUT, perSample: { positive: [0.1], negatives: [[0.2]] } },
    });
    run = applyTrainingEvent(run, { type: "status", status: "running", step: 3, totalSteps: 10, epoch: 0 });
    expect(run.history.map((s) => s.step)).toEqual([0, 1]);
    expect(run.stepsDone).toBe(3);
    expect(run.trainMs).toBe(200);
    expect(run.measuredSteps).toBe(2);
    expect(run.peakBytes).toBe(1_000_001);
    expect(run.evals).toEqual([{ step: 2, result: HELDOUT }]);
    // 2 steps in 200 ms: 10 steps per second.
    expect(stepsPerSecond(run)).toBeCloseTo(10, 12);
    expect(stepsPerSecond(createRun("x", "clip", SETTINGS))).toBeNaN();
  });

  it("ends a run on done or stopped, fails it on the trainer's own pauses only", () => {
    expect(runEndOf({ status: "done" })).toEqual({ kind: "trained" });
    expect(runEndOf({ status: "stopped" })).toEqual({ kind: "stopped" });
    const nonFinite =
      "3 steps in a row had a non-finite loss or gradient; paused. Lower the learning rate and resume.";
    expect(runEndOf({ status: "paused", message: nonFinite })).toEqual({
      kind: "failed",
      message: nonFinite,
    });
    expect(runEndOf({ status: "paused", message: "training stopped by an error: boom" })?.kind).toBe(
      "failed",
    );
    expect(runEndOf({ status: "paused" })).toBeUndefined();
    expect(runEndOf({ status: "paused", message: "updated lr" })).toBeUndefined();
    expect(runEndOf({ status: "running" })).toBeUndefined();
  });

  it("takes queued runs in order", () => {
    const runs = ["clip", "negclip", "ceclip"].map((o, i) => createRun(`run-${i}`, o, SETTINGS));
    expect(nextQueued(runs)?.objective).toBe("clip");
    runs[0] = { ...runs[0], status: "done" };
    runs[1] = { ...runs[1], status: "failed" };
    expect(nextQueued(runs)?.objective).toBe("ceclip");
    runs[2] = { ...runs[2], status: "cancelled" };
    expect(nextQueued(runs)).toBeUndefined();
  });

  it("builds each run's config from the sidebar's with the shared settings and no checkpoints", () => {
    const sidebar = { ...defaultRunConfig("ceclip"), lr: 5e-4, steps: 999, checkpointEvery: 100 };
    const config = runConfigFor(sidebar, createRun("run-1", "negclip", SETTINGS));
    expect(config).toMatchObject({
      objective: "negclip",
      lr: 5e-4,
      steps: 10,
      batchSize: 4,
      seed: 7,
      evalEvery: 5,
      checkpointEvery: 0,
    });
    expect(config.objectiveOptions).toEqual(defaultRunConfig("negclip").objectiveOptions);
    expect(() => runConfigFor(sidebar, createRun("run-2", "nope", SETTINGS))).toThrow(
      /unknown objective "nope"/,
    );
  });

  it("measures progress and the ETA from each run's speed, its objective's, else the mean", () => {
    const at = (objective: string, fields: Partial<CompareRun>): CompareRun => ({
      ...createRun(objective, objective, SETTINGS),
      ...fields,
    });
    const runs: CompareRun[] = [
      at("clip", { status: "done", stepsDone: 10, trainMs: 1000, measuredSteps: 10 }), // 100 ms/step
      at("degla", { status: "running", stepsDone: 4, trainMs: 1200, measuredSteps: 4 }), // 300 ms/step, 6 left
      at("clip", { status: "queued" }), // 10 left at clip's 100 ms
      at("fscclip", { status: "queued" }), // 10 left at the mean: 2200 ms / 14 steps
      at(BASE_MODEL_RUN, { status: "queued" }), // no training
      at("negclip", { status: "failed", stepsDone: 2 }), // counts as complete
    ];
    const p = queueProgress(runs);
    expect(p.totalSteps).toBe(50);
    expect(p.doneSteps).toBe(10 + 4 + 10);
    expect(p.fraction).toBeCloseTo(24 / 50, 12);
    expect(p.etaSeconds).toBeCloseTo((6 * 300 + 10 * 100 + (10 * 2200) / 14) / 1000, 9);
    expect(queueProgress([at("clip", { status: "queued" })]).etaSeconds).toBeNaN();
    expect(queueProgress([]).fraction).toBe(0);
  });

  it("marks runs cut off by a reload as failed and keeps queued ones", () => {
    const runs = restoreRuns([
      { ...createRun("a", "clip", SETTINGS), status: "running" },
      { ...createRun("b", "clip", SETTINGS), status: "evaluating" },
      createRun("c", "clip", SETTINGS),
      { ...createRun("d", "clip", SETTINGS), status: "done" },
    ]);
    expect(runs.map((r) => r.status)).toEqual(["failed", "failed", "queued", "done"]);
    expect(runs[0].message).toMatch(/reloaded/);
  });
});
