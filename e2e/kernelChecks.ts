/**
 * Fused-versus-plain comparisons for e2e/kernels.spec.ts, run on the harness page (real
 * WebGPU adapter): the same computation with the fused kernels switched on and off.
 */
import * as tf from "@tensorflow/tfjs";
import { disposeClip, loadClip } from "../src/core/clip/index.js";
import { fusedKernelsSetting, setFusedKernels } from "../src/core/clip/kernels/index.js";
import { shapesExampleSource } from "../src/core/data/shapesWorld/source.js";
import { FlatAdamW } from "../src/core/train/adamw.js";
import { parseTrainConfig } from "../src/core/train/config.js";
import { Trainer } from "../src/core/train/trainer.js";

/** max |a - b| / max |b|: the relative distance of a to the reference b. */
async function relativeDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const [x, y] = await Promise.all([a.data(), b.data()]);
  if (x.length !== y.length) throw new Error(`sizes differ: ${x.length} vs ${y.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return diff / Math.max(scale, 1e-6);
}

async function withFused<T>(on: boolean, f: () => Promise<T>): Promise<T> {
  const previous = fusedKernelsSetting();
  setFusedKernels(on);
  try {
    return await f();
  } finally {
    setFusedKernels(previous);
  }
}

export interface OpComparison {
  /** Relative distance of the fused output to the plain one. */
  value: number;
  /** The same for the gradient of sum(y * r) (r fixed, random) with respect to each input. */
  grads: number[];
  /** Kernels the fused forward and backward ran (to show the fused path was taken). */
  fusedKernels: string[];
}

/** Runs `fn` and its gradients with the fused kernels on and off. */
export async function fusedVersusPlain(
  fn: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
): Promise<OpComparison> {
  const run = () => {
    const y = fn(...inputs);
    const r = tf.randomNormal(y.shape, 0, 1, "float32", 7);
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(fn(...xs), r)))(inputs);
    return [y, ...grads];
  };
  let fusedKernels: string[] = [];
  const fused = await withFused(true, async () => {
    let out: tf.Tensor[] = [];
    const info = await tf.profile(() => {
      out = tf.tidy(run);
      return out;
    });
    fusedKernels = [...new Set(info.kernels.map((k) => k.name))];
    return out;
  });
  const plain = await withFused(false, async () => tf.tidy(run));
  const diffs = await Promise.all(fused.map((t, i) => relativeDiff(t, plain[i])));
  tf.dispose([fused, plain]);
  return { value: diffs[0], grads: diffs.slice(1), fusedKernels };
}

export interface AdamWStepComparison {
  gradNorm: [number, number];
  applied: [number, number];
  steps: [number, number];
  /** Largest |fused - plain| over parameters, and over both moments. */
  paramDiff: number;
  momentDiff: number;
}

/**
 * Five AdamW steps on twin parameter sets, fused and plain: step 3 has an infinite
 * gradient entry, step 4 a NaN loss (both skipped), step 5 lacks one gradient.
 */
export async function adamwFusedVersusPlain(clipNorm: number): Promise<AdamWStepComparison[]> {
  const shapes: Record<string, number[]> = {
    "a.weight": [6, 5],
    "a.bias": [6],
    "text_model.embeddings.token_embedding.weight": [7, 3],
    logit_scale: [],
  };
  const makeParams = () =>
    new Map(
      Object.entries(shapes).map(([name, shape], i) => [
        name,
        tf.variable(tf.randomNormal(shape, 0, 1, "float32", i + 1), true),
      ]),
    );
  const params = [makeParams(), makeParams()];
  const options = { beta1: 0.9, beta2: 0.98, eps: 1e-6, weightDecay: 0.1, clipNorm };
  const optimizers = params.map((p) => new FlatAdamW(p, options));
  const out: AdamWStepComparison[] = [];
  for (let step = 0; step < 5; step++) {
    const grads = new Map(
      Object.entries(shapes).map(([name, shape], i) => [
        name,
        tf.randomNormal(shape, 0, 1, "float32", 100 + 10 * step + i),
      ]),
    );
    if (step === 2) grads.set("a.bias", tf.tensor1d([1, 2, Number.POSITIVE_INFINITY, 0, 0, 0]));
    if (step === 4) grads.delete("logit_scale");
    const loss = tf.scalar(step === 3 ? Number.NaN : 1.5);
    const results = [];
    for (const [i, fused] of [true, false].entries()) {
      results.push(await withFused(fused, async () => optimizers[i].apply(grads, 0.01, loss)));
    }
    const read = async (t: tf.Tensor) => (await t.data())[0];
    const states = await Promise.all(optimizers.map((o) => o.getState()));
    let paramDiff = 0;
    for (const name of Object.keys(shapes)) {
      const [a, b] = await Promise.all(params.map((p) => p.get(name)!.data()));
      for (let i = 0; i < a.length; i++) paramDiff = Math.max(paramDiff, Math.abs(a[i] - b[i]));
    }
    let momentDiff = 0;
    for (let i = 0; i < states[0].m.length; i++) {
      momentDiff = Math.max(
        momentDiff,
        Math.abs(states[0].m[i] - states[1].m[i]),
        Math.abs(states[0].v[i] - states[1].v[i]),
      );
    }
    out.push({
      gradNorm: [await read(results[0].gradNorm), await read(results[1].gradNorm)],
      applied: [await read(results[0].applied), await read(results[1].applied)],
      steps: [states[0].step, states[1].step],
      paramDiff,
      momentDiff,
    });
    tf.dispose([...grads.values(), loss, ...results.flatMap((r) => [r.gradNorm, r.applied])]);
  }
  optimizers.forEach((o) => {
    o.dispose();
  });
  params.forEach((p) => {
    tf.dispose([...p.values()]);
  });
  return out;
}

export interface TrainingStepComparison {
  loss: [number, number];
  /** Largest |fused - plain| over every parameter after the step, relative to its largest value. */
  paramDiff: number;
  kernels: [number, number];
  tensorsLeaked: number;
}

/** One CE-CLIP step of the default model from the same weights, fused and plain. */
export async function trainingStepFusedVersusPlain(batchSize: number): Promise<TrainingStepComparison> {
  const runs: { loss: number; kernels: number; params: tf.TypedArray[] }[] = [];
  const before = tf.memory().numTensors;
  for (const fused of [true, false]) {
    runs.push(
      await withFused(fused, async () => {
        const model = await loadClip({ baseUrl: "/models/shapes-clip" }, { trainable: true });
        const source = shapesExampleSource({ split: "train", seed: 0, size: 4 * batchSize, imageSize: 32 });
        const config = parseTrainConfig({ objective: "ceclip", steps: 100, batchSize, warmupSteps: 0 });
        const trainer = new Trainer(model.params, model.config, model.tokenizer, source, config);
        const info = await tf.profile(() => trainer.step());
        const [metrics] = await trainer.readMetrics();
        const params = (await Promise.all(
          [...model.params.values()].map((t) => t.data()),
        )) as tf.TypedArray[];
        trainer.dispose();
        disposeClip(model);
        return { loss: metrics.loss, kernels: info.kernels.length, params };
      }),
    );
  }
  let diff = 0;
  let scale = 0;
  runs[0].params.forEach((a, i) => {
    const b = runs[1].params[i];
    for (let j = 0; j < a.length; j++) {
      diff = Math.max(diff, Math.abs(a[j] - b[j]));
      scale = Math.max(scale, Math.abs(b[j]));
    }
  });
  return {
    loss: [runs[0].loss, runs[1].loss],
    paramDiff: diff / scale,
    kernels: [runs[0].kernels, runs[1].kernels],
    tensorsLeaked: tf.memory().numTensors - before,
  };
}
