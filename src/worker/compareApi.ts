import * as tf from "@tensorflow/tfjs";
import { type BenchmarkResult, runBenchmark } from "../core/eval/benchmark.js";
import { shapesBenchmarkExamples } from "../core/eval/shapesHeldout.js";
import { parseTrainConfig, type TrainConfig } from "../core/train/config.js";
import { recordBenchmark, recordRunStart, resetRunRecord, runRecord } from "./exportApi.js";
import { requireModel, session } from "./session.js";
import { type TrainingEvent, trainingApi } from "./trainingApi.js";

/**
 * The Compare tab's runs: each starts from the base weights (the model as loaded), trains
 * through the ordinary training API and is evaluated on the held-out benchmark at the end.
 * While a compare run trains, its events go to the Compare tab's listener instead of the
 * Train tab's (so the Train tab's curves are not mixed with the queue's runs).
 */

let compareListener: ((event: TrainingEvent) => void) | undefined;
/** True from a compare run's start until its trainer reports done or stopped. */
let compareRunActive = false;

/**
 * Hands a training event to the Compare tab when a compare run is active; returns whether
 * it did (labWorker then keeps it from the Train tab's listener).
 */
export function forwardToCompare(event: TrainingEvent): boolean {
  if (!compareRunActive) return false;
  if (event.type === "status" && (event.status === "done" || event.status === "stopped"))
    compareRunActive = false;
  compareListener?.(event);
  return true;
}

/** Copies the base weights (as loaded) into the model's variables. */
export function resetToBaseWeights(): void {
  const model = requireModel();
  const base = session.baseModel;
  if (!base) throw new Error("no base model copy is held (load a model first)");
  for (const [name, variable] of model.params) {
    const saved = base.params.get(name);
    if (!saved || saved.shape.join() !== variable.shape.join())
      throw new Error(
        `the base model has no parameter ${name} of shape [${variable.shape}]: reload the model`,
      );
  }
  tf.tidy(() => {
    for (const [name, variable] of model.params) (variable as tf.Variable).assign(base.params.get(name)!);
  });
}

/** A benchmark result without its per-example scores (small enough to keep and persist). */
export type HeldoutResult = Omit<BenchmarkResult, "perSample">;

export const compareApi = {
  /** Receives the events of compare runs (a comlink proxy from the page). */
  subscribeCompare(callback: (event: TrainingEvent) => void): void {
    compareListener = callback;
  },

  /** Ends any run and puts the base weights back (the next run starts where the model was loaded). */
  async resetToBaseModel(): Promise<void> {
    await trainingApi.stop();
    resetToBaseWeights();
    resetRunRecord();
  },

  /** Resets to the base weights, then trains with `options`; its events go to `subscribeCompare`. */
  async startCompareRun(options: Partial<TrainConfig>): Promise<TrainConfig> {
    const config = parseTrainConfig(options);
    await compareApi.resetToBaseModel();
    recordRunStart(config);
    compareRunActive = true;
    try {
      return await trainingApi.startTraining(config);
    } catch (e) {
      compareRunActive = false;
      throw e;
    }
  },

  /** The held-out benchmark of the current weights (recorded for the model card too). */
  async evaluateHeldout(request: { n: number; seed?: number }): Promise<HeldoutResult> {
    if (trainingApi.status().status === "running") throw new Error("a run is training: stop it first");
    const model = requireModel();
    const seed = request.seed ?? 0;
    const data = shapesBenchmarkExamples({
      split: "heldout",
      n: request.n,
      seed,
      imageSize: model.config.vision_config.image_size,
    });
    const { perSample: _drop, ...result } = await runBenchmark(model, data, { candidates: 100 });
    recordBenchmark({
      source: "training evaluation",
      data: "shapes-heldout",
      n: result.n,
      seed,
      step: runRecord.step,
      current: result,
    });
    return result;
  },
};
