import { beforeEach, describe, expect, it, vi } from "vitest";
import type { TrainConfig } from "../core/train/config.js";
import type { TrainingEvent } from "../worker/trainingApi.js";
import { useClipStore } from "./clipStore.js";
import { BASE_MODEL_RUN, createRun, DEFAULT_COMPARE_SETTINGS } from "./compareQueue.js";
import { parseSavedQueue, sanitizeSettings, useCompareStore } from "./compareStore.js";
import { HELDOUT, step } from "./compareTesting.js";

/**
 * A stand-in for the lab worker: a run reports its steps and "done" after the start call
 * returns (as comlink delivers them); "degla" runs pause on a non-finite loss instead; a
 * run waits for `stop()` while `hold` is set.
 */
const calls: string[] = [];
let listener: ((event: TrainingEvent) => void) | undefined;
let hold = false;
const status = (
  s: "running" | "done" | "stopped" | "paused",
  at: number,
  message?: string,
): TrainingEvent => ({
  type: "status",
  status: s,
  step: at,
  totalSteps: 3,
  epoch: 0,
  message,
});
const fakeWorker = {
  async subscribeCompare(callback: (event: TrainingEvent) => void) {
    listener = callback;
  },
  async resetToBaseModel() {
    calls.push("reset");
  },
  async startCompareRun(config: TrainConfig) {
    calls.push(
      `train ${config.objective} steps=${config.steps} batch=${config.batchSize} seed=${config.seed}`,
    );
    setTimeout(() => {
      listener?.(status("running", 0));
      listener?.({ type: "steps", steps: [step(0), step(1), step(2)] });
      if (hold) return;
      if (config.objective === "degla")
        listener?.(status("paused", 3, "3 steps in a row had a non-finite loss"));
      else listener?.(status("done", config.steps));
    }, 1);
    return config;
  },
  async evaluateHeldout(request: { n: number }) {
    calls.push(`evaluate n=${request.n}`);
    return HELDOUT;
  },
  async stop() {
    calls.push("stop");
    listener?.(status("stopped", 3));
  },
};
vi.mock("../worker/client.js", () => ({ labWorker: () => fakeWorker }));

const settings = {
  ...DEFAULT_COMPARE_SETTINGS,
  steps: 3,
  batchSize: 4,
  seed: 5,
  evalEvery: 0,
  heldoutN: 100,
};

beforeEach(() => {
  calls.length = 0;
  hold = false;
  useClipStore.setState({
    model: { name: "tiny", parameters: 1, imageSize: 32, contextLength: 16, projectionDim: 8, warnings: [] },
  });
  useCompareStore.setState({
    runs: [],
    active: false,
    stopping: false,
    message: undefined,
    settings,
    nextId: 1,
  });
});

describe("compare store runner", () => {
  it("trains and evaluates queued runs one after another, each from the base model", async () => {
    const store = useCompareStore.getState();
    store.enqueue([BASE_MODEL_RUN, "clip", "degla", "negclip"]);
    await store.start();
    expect(calls).toEqual([
      "reset",
      "evaluate n=100",
      "train clip steps=3 batch=4 seed=5",
      "evaluate n=100",
      "train degla steps=3 batch=4 seed=5",
      "stop",
      "train negclip steps=3 batch=4 seed=5",
      "evaluate n=100",
    ]);
    const runs = useCompareStore.getState().runs;
    expect(runs.map((r) => r.status)).toEqual(["done", "done", "failed", "done"]);
    expect(runs[2].message).toMatch(/non-finite/);
    expect(runs[1]).toMatchObject({
      stepsDone: 3,
      measuredSteps: 3,
      trainMs: 150,
      peakBytes: 1_000_002,
      model: "tiny",
    });
    expect(runs[1].final).toEqual(HELDOUT);
    expect(runs[1].config).toMatchObject({ objective: "clip", steps: 3, checkpointEvery: 0 });
    expect(useCompareStore.getState()).toMatchObject({ active: false, message: "The queue is done." });
  });

  it("Stop cancels the running run and leaves the rest queued", async () => {
    hold = true;
    const store = useCompareStore.getState();
    store.enqueue(["clip", "negclip"]);
    const done = store.start();
    await vi.waitFor(() => expect(useCompareStore.getState().runs[0].stepsDone).toBe(3));
    await useCompareStore.getState().stop();
    await done;
    expect(useCompareStore.getState().runs.map((r) => r.status)).toEqual(["cancelled", "queued"]);
    expect(calls).toEqual(["train clip steps=3 batch=4 seed=5", "stop"]);
    expect(useCompareStore.getState().message).toBe("Stopped.");
  });

  it("pauses the queue when its run is stopped from outside (a Train-tab run, a model load)", async () => {
    hold = true;
    useCompareStore.getState().enqueue(["clip", "negclip"]);
    const done = useCompareStore.getState().start();
    await vi.waitFor(() => expect(useCompareStore.getState().runs[0].stepsDone).toBe(3));
    listener?.(status("stopped", 3));
    await done;
    const s = useCompareStore.getState();
    expect(s.runs.map((r) => r.status)).toEqual(["cancelled", "queued"]);
    expect(s.runs[0].message).toMatch(/outside the queue/);
    expect(s.message).toMatch(/paused/);
  });

  it("fails a run of an unknown objective (e.g. from an old saved queue) and goes on", async () => {
    useCompareStore.getState().enqueue(["gone", "clip"]);
    await useCompareStore.getState().start();
    const runs = useCompareStore.getState().runs;
    expect(runs.map((r) => r.status)).toEqual(["failed", "done"]);
    expect(runs[0].message).toBe('unknown objective "gone"');
    expect(calls).toEqual(["train clip steps=3 batch=4 seed=5", "evaluate n=100"]);
  });

  it("does not start without a model or without queued runs", async () => {
    await useCompareStore.getState().start();
    expect(useCompareStore.getState().message).toMatch(/Nothing is queued/);
    useClipStore.setState({ model: undefined });
    useCompareStore.getState().enqueue(["clip"]);
    await useCompareStore.getState().start();
    expect(useCompareStore.getState().message).toBe("Load a model first.");
    expect(calls).toEqual([]);
  });
});

describe("saved queue", () => {
  it("restores usable runs and settings; drops the rest; keeps ids unique", () => {
    const good = { ...createRun("run-7", "clip", settings), status: "running" as const };
    const saved = parseSavedQueue({
      version: 1,
      settings: { steps: 50, batchSize: -3, seed: -2, evalEvery: 0, heldoutN: "many" },
      runs: [good, { id: 3 }, null, createRun("run-2", "negclip", settings)],
      nextId: 2,
    });
    expect(saved?.settings).toEqual({ ...DEFAULT_COMPARE_SETTINGS, steps: 50, seed: -2, evalEvery: 0 });
    expect(saved?.runs.map((r) => [r.id, r.status])).toEqual([
      ["run-7", "failed"],
      ["run-2", "queued"],
    ]);
    expect(saved?.nextId).toBe(8);
    expect(parseSavedQueue({ version: 2, runs: [] })).toBeUndefined();
    expect(parseSavedQueue("junk")).toBeUndefined();
    expect(sanitizeSettings(undefined)).toEqual(DEFAULT_COMPARE_SETTINGS);
  });
});
