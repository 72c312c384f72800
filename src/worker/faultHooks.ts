import * as tf from "@tensorflow/tfjs";
import type { AnyObjective } from "../core/losses/objective.js";
import { Trainer } from "../core/train/trainer.js";
import { storageFaults } from "./storage.js";

/**
 * Fault injection for the end-to-end tests (e2e/faults.spec.ts). Every hook refuses to run
 * until the page calls `enableTestHooks`, which it does only when opened with `?testHooks=1`.
 */
let enabled = false;

function requireEnabled(): void {
  if (!enabled) throw new Error("test hooks are off (open the app with ?testHooks=1)");
}

/** Makes the next `Trainer.step()` compute a NaN loss (and so NaN gradients), once. */
export function poisonNextStep(): void {
  const step = Trainer.prototype.step;
  Trainer.prototype.step = function poisonedStep(this: Trainer) {
    Trainer.prototype.step = step;
    const objective = this.objective as AnyObjective & { compute: AnyObjective["compute"] };
    const own = Object.hasOwn(objective, "compute");
    const compute = objective.compute;
    objective.compute = (...args: Parameters<AnyObjective["compute"]>) => {
      const out = compute.apply(objective, args);
      return { ...out, total: tf.mul(out.total, Number.NaN) as tf.Scalar };
    };
    try {
      step.call(this);
    } finally {
      if (own) objective.compute = compute;
      else delete (objective as { compute?: unknown }).compute;
    }
  };
}

export const faultHooksApi = {
  enableTestHooks(): void {
    enabled = true;
  },

  /** Destroys the WebGPU device under the running backend, as a GPU reset or driver crash does. */
  testLoseDevice(): string {
    requireEnabled();
    const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
    if (tf.getBackend() !== "webgpu" || !device)
      throw new Error(`the backend is ${tf.getBackend()}, not webgpu`);
    device.destroy();
    return "destroyed";
  },

  /** An uncaught exception, then the worker closes itself: a crash as the page sees one. */
  testCrash(): void {
    requireEnabled();
    setTimeout(() => {
      throw new Error("test hook: the worker crashed");
    });
    setTimeout(() => self.close(), 50);
  },

  testPoisonNextStep(): void {
    requireEnabled();
    poisonNextStep();
  },

  /** While on, every checkpoint write fails with a QuotaExceededError. */
  testStorageFull(on: boolean): void {
    requireEnabled();
    storageFaults.quotaExceeded = on;
  },
};
