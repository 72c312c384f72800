import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { disposeClip, loadClip } from "../../core/clip/index.js";
import { maxAbsDiff, readFolder, TINY_CLIP_DIR } from "../../core/clip/testing.js";
import { parseMetricsCsv } from "../trainRun.js";
import { parseObjectiveOption, parseTrainArgs, runTrainCommand, trainCommand } from "./train.js";

const workDir = mkdtempSync(join(tmpdir(), "hardneg-train-"));
const quiet = { log: () => {} };

/** Every parameter of a model folder, by name. */
async function weightsOf(dir: string): Promise<Map<string, Float32Array>> {
  const model = await loadClip(readFolder(dir));
  const out = new Map<string, Float32Array>();
  for (const [name, t] of model.params) out.set(name, (await t.data()) as Float32Array);
  disposeClip(model);
  return out;
}

const baseArgs = (out: string, steps: number) => [
  "--model",
  TINY_CLIP_DIR,
  "--data",
  "shapes-train",
  "--objective",
  "ceclip",
  "--steps",
  String(steps),
  "--batch",
  "4",
  "--lr",
  "0.002",
  "--warmup",
  "1",
  "--backend",
  "cpu",
  "--eval-every",
  "0",
  "--out",
  out,
];

beforeAll(async () => {
  await tf.setBackend("cpu");
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe("train argument parsing", () => {
  it("parses objective options into numbers, booleans and strings", () => {
    expect(parseObjectiveOption("fixedThreshold=1.5")).toEqual(["fixedThreshold", 1.5]);
    expect(parseObjectiveOption("resetEachEpoch=false")).toEqual(["resetEachEpoch", false]);
    expect(parseObjectiveOption("thresholdType=fixed")).toEqual(["thresholdType", "fixed"]);
    expect(parseObjectiveOption("upperBound=1e1")).toEqual(["upperBound", 10]);
    expect(() => parseObjectiveOption("=3")).toThrow(/key=value/);
  });

  it("builds the TrainConfig from the flags and defaults the data size to steps * batch", () => {
    const options = parseTrainArgs([...baseArgs("x", 7), "--seed", "3", "--option", "thresholdType=fixed"]);
    expect(options.config).toMatchObject({
      objective: "ceclip",
      objectiveOptions: { thresholdType: "fixed" },
      steps: 7,
      batchSize: 4,
      lr: 0.002,
      warmupSteps: 1,
      seed: 3,
      evalEvery: 0,
      checkpointEvery: 100,
      weightDecay: 0.1,
    });
    expect(options.dataSize).toBe(28);
    expect(options.backend).toBe("cpu");
    expect(options.evalN).toBe(200);
  });

  it("rejects bad input with one-line messages before loading anything", () => {
    expect(() => parseTrainArgs(["--out", "x"])).toThrow("--model <dir> is required");
    expect(() => parseTrainArgs([...baseArgs("x", 3), "--data", "nope"])).toThrow(
      'unknown training data "nope" (accepted: shapes-train, shapes-train-two-objects)',
    );
    expect(() => parseTrainArgs([...baseArgs("x", 3), "--option", "thresholdType=median"])).toThrow(
      /^ceclip option "thresholdType": /,
    );
    expect(() => parseTrainArgs([...baseArgs("x", 3), "--option", "treshold=2"])).toThrow(
      /ceclip has no option "treshold"/,
    );
    expect(() => parseTrainArgs([...baseArgs("x", 3), "--steps", "0"])).toThrow(
      "--steps must be an integer >= 1",
    );
    expect(() => parseTrainArgs([...baseArgs("x", 3), "--objective", "foo"])).toThrow(
      /unknown objective "foo"/,
    );
  });
});

describe("cli train (cpu, tiny fixture model)", () => {
  it("writes a loadable model folder with changed weights, metrics.csv and run.json", async () => {
    const out = join(workDir, "plain");
    const printed: string[] = [];
    const logged: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      logged.push(String(chunk));
      return true;
    });
    const code = await trainCommand.run([
      ...baseArgs(out, 3),
      ...["--option", "thresholdType=fixed", "--log-every", "1", "--eval-every", "2", "--eval-n", "16"],
    ]);
    vi.restoreAllMocks();
    expect(code).toBe(0);

    const summary = JSON.parse(printed.join(""));
    expect(summary).toMatchObject({ out, steps: 3, resumedFromStep: null, interrupted: false });
    // Held-out evaluation every 2 steps and after the last one.
    expect(summary.finalEval.step).toBe(3);
    expect(Object.keys(summary.finalEval.perType)).toHaveLength(4);
    expect(summary.finalEval.r1_i2t).toBeGreaterThanOrEqual(0);
    expect(summary.finalEval.r5_i2t).toBeGreaterThanOrEqual(summary.finalEval.r1_i2t);
    expect(logged.filter((l) => l.startsWith("eval @ step "))).toHaveLength(2);
    expect(Number.isFinite(summary.finalLoss)).toBe(true);
    expect(logged.filter((l) => l.startsWith("step "))).toHaveLength(3);
    expect(logged.some((l) => /^step 3\/3 loss \d+\.\d{4} .*ETA/.test(l))).toBe(true);

    const input = await weightsOf(TINY_CLIP_DIR);
    const trained = await weightsOf(out);
    expect([...trained.keys()].sort()).toEqual([...input.keys()].sort());
    const changed = [...input].filter(([name, w]) => maxAbsDiff(w, trained.get(name)!) > 0);
    expect(changed.length).toBeGreaterThan(input.size / 2);
    expect(readFileSync(join(out, "tokenizer.json"), "utf8")).toBe(
      readFileSync(join(TINY_CLIP_DIR, "tokenizer.json"), "utf8"),
    );

    const csv = readFileSync(join(out, "metrics.csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(4);
    expect(csv[0].startsWith("step,epoch,lr,loss,")).toBe(true);
    expect(csv.slice(1).map((line) => Number(line.split(",")[0]))).toEqual([0, 1, 2]);

    const run = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
    expect(run.config).toMatchObject({
      objective: "ceclip",
      objectiveOptions: { thresholdType: "fixed" },
      steps: 3,
      batchSize: 4,
      lr: 0.002,
      warmupSteps: 1,
      seed: 0,
      evalEvery: 2,
    });
    expect(run.evals.map((e: { step: number }) => e.step)).toEqual([2, 3]);
    expect(run.finalEval).toEqual(summary.finalEval);
    expect(run.objectiveOptionsResolved).toMatchObject({ thresholdType: "fixed", fixedThreshold: 2 });
    expect(run).toMatchObject({ model: TINY_CLIP_DIR, data: "shapes-train", dataSize: 12, backend: "cpu" });
    expect(run.stepsDone).toBe(3);
    expect(run.finalMetrics.step).toBe(2);
    expect(run.finalMetrics.loss).toBe(summary.finalLoss);
    expect(run.seconds).toBeGreaterThan(0);
    expect(run.stepsPerSecond).toBeGreaterThan(0);
  });

  it("resuming from a checkpoint gives the same final weights and metrics as an uninterrupted run", async () => {
    const straight = join(workDir, "straight");
    const resumed = join(workDir, "resumed");
    const steps = 5;
    // 3 batches of 4 per epoch: the resumed run crosses an epoch boundary (threshold reset).
    const args = (out: string) => [...baseArgs(out, steps), "--data-size", "12", "--checkpoint-every", "2"];
    await runTrainCommand(args(straight), quiet);

    const controller = new AbortController();
    const first = await runTrainCommand(args(resumed), {
      ...quiet,
      signal: controller.signal,
      onStep: (done) => {
        if (done === 3) controller.abort();
      },
    });
    expect(first).toMatchObject({ steps: 3, interrupted: true });
    const second = await runTrainCommand([...args(resumed), "--resume"], quiet);
    expect(second).toMatchObject({ steps, resumedFromStep: 3, interrupted: false });

    const a = await weightsOf(straight);
    const b = await weightsOf(resumed);
    for (const [name, w] of a) expect(maxAbsDiff(w, b.get(name)!), name).toBe(0);
    const rowsA = parseMetricsCsv(readFileSync(join(straight, "metrics.csv"), "utf8"));
    const rowsB = parseMetricsCsv(readFileSync(join(resumed, "metrics.csv"), "utf8"));
    expect(rowsB.map((r) => r.step)).toEqual([0, 1, 2, 3, 4]);
    expect(rowsB).toEqual(rowsA);
  });

  it("refuses to resume with different training options", async () => {
    const out = join(workDir, "resumed");
    await expect(
      runTrainCommand([...baseArgs(out, 5), "--data-size", "12", "--lr", "0.01", "--resume"], quiet),
    ).rejects.toThrow(/--resume: "lr" differs from the checkpoint's \(0.002\)/);
  });
});
