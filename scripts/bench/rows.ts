import { parseClipConfig } from "../../src/core/clip/config.js";
import { NEGATIVE_TYPES } from "../../src/core/data/shapesWorld/negatives.js";
import type { StepBenchResult, StepBenchSpec } from "../../src/core/train/benchStep.js";
import { trainingStepFlops } from "./flops.js";
import type { BenchModel } from "./models.js";
import type { BenchCase } from "./plan.js";
import type { BenchRow } from "./report.js";

/** A case's result as a table row (shared by bench.ts and the GPU pack's nodeWebgpuBench.ts). */
export function modelConfig(model: BenchModel) {
  const spec = model.spec;
  if (spec.kind === "scratch") return parseClipConfig(spec.config);
  return parseClipConfig(Buffer.from(spec.files["config.json"], "base64").toString("utf8"));
}

export function toRow(
  c: BenchCase,
  fast: boolean | undefined,
  result?: StepBenchResult,
  failure?: string,
): BenchRow {
  const gflopPerStep =
    trainingStepFlops(modelConfig(c.model), c.batchSize, NEGATIVE_TYPES.length).totalFlops / 1e9;
  const medianMs = result ? result.medianMs : null;
  return {
    model: c.model.label,
    backend: c.backend,
    batchSize: c.batchSize,
    parameters: result ? result.parameters : null,
    warmupSteps: fast === false ? Math.min(1, c.warmupSteps) : c.warmupSteps,
    timedSteps: fast === false ? (c.straightforwardSteps ?? c.timedSteps) : c.timedSteps,
    msPerStep: result ? result.msPerStep.map((ms) => Number(ms.toFixed(1))) : [],
    medianMs: medianMs === null ? null : Number(medianMs.toFixed(1)),
    kernels: result ? result.kernels : null,
    dispatches: result ? result.dispatches : null,
    ...(fast === undefined ? {} : { fused: fast }),
    gflopPerStep: Number(gflopPerStep.toFixed(4)),
    gflops: medianMs === null ? null : Number((gflopPerStep / (medianMs / 1000)).toFixed(3)),
    tensorsFlat: result ? result.tensorsAfterWarmup === result.tensorsAfterTimed : null,
    ...(c.note ? { note: c.note } : {}),
    ...(c.skip ? { skipped: c.skip } : {}),
    ...(failure ? { error: failure } : {}),
  };
}

/** The step spec of a case (benchPaths: the straightforward path too where the case pairs them). */
export const specOf = (c: BenchCase): StepBenchSpec => ({
  model: c.model.spec,
  batchSize: c.batchSize,
  warmupSteps: c.warmupSteps,
  timedSteps: c.timedSteps,
  profile: true,
  ...(c.straightforwardSteps ? { straightforwardSteps: c.straightforwardSteps } : {}),
});
