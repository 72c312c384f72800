import type * as tf from "@tensorflow/tfjs";
import { registerWebgpuKernel, runFused, sizeOf } from "./registry.js";
import { allocate, copyFloats, dispatch, type GpuBackend, type ProgramSpec } from "./runner.js";

/**
 * AdamW over every parameter in two dispatches: the gradients and parameters are gathered
 * into one flat buffer with buffer copies (no kernel), one workgroup reduces the squared
 * gradient norm and decides whether the step is finite, one elementwise dispatch updates
 * parameters and both moments, and buffer copies scatter the parameters back. Same
 * semantics as FlatAdamW's plain-op step (../../train/adamw.ts): decoupled weight decay on
 * masked entries, optional global-norm clipping, and a step whose loss or gradient norm is
 * not finite leaves parameters, moments and the step count untouched.
 */

const KERNEL = "HardNegAdamW";
const REDUCE_THREADS = 256;

/** Finite test by bits: compilers may fold x != x away. */
const FINITE = `fn finite(x : f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }`;

/** stats = [gradient norm, gate (1: apply), step count after this step, clip factor]. */
const statsProgram: ProgramSpec = {
  name: "adamwNorm",
  outputs: ["stats"],
  inputs: ["gp", "loss", "steps"],
  uniforms: [
    { name: "n", type: "i32" },
    { name: "clipNorm", type: "f32" },
  ],
  workgroupSize: REDUCE_THREADS,
  unguarded: true,
  body: `${FINITE}
var<workgroup> partial : array<f32, ${REDUCE_THREADS}>;
fn run(index : i32) {
  var s = 0.0;
  for (var i = index; i < u.n; i += ${REDUCE_THREADS}) { let g = gp[i]; s += g * g; }
  partial[localIndex] = s;
  workgroupBarrier();
  for (var w = ${REDUCE_THREADS / 2}u; w > 0u; w = w >> 1u) {
    if (localIndex < w) { partial[localIndex] += partial[localIndex + w]; }
    workgroupBarrier();
  }
  if (localIndex == 0u) {
    let norm = sqrt(partial[0]);
    let ok = finite(norm) && finite(loss[0]);
    let gate = select(0.0, 1.0, ok);
    stats[0] = norm;
    stats[1] = gate;
    stats[2] = steps[0] + gate;
    stats[3] = select(1.0, min(1.0, u.clipNorm / (norm + 1e-6)), u.clipNorm > 0.0);
  }
}`,
};

const updateProgram: ProgramSpec = {
  name: "adamwUpdate",
  outputs: ["pOut", "mOut", "vOut"],
  inputs: ["gp", "m", "v", "mask", "stats"],
  uniforms: ["n", "lr", "beta1", "beta2", "eps", "wd"].map((name) => ({
    name,
    type: name === "n" ? ("i32" as const) : ("f32" as const),
  })),
  body: `${FINITE}
fn run(i : i32) {
  let apply = stats[1] > 0.5;
  let t = max(stats[2], 1.0);
  let clipped = gp[i] * stats[3];
  let g = select(0.0, clipped, apply && finite(clipped));
  let p = gp[u.n + i];
  let mOld = m[i];
  let vOld = v[i];
  let mNew = mOld * u.beta1 + g * (1.0 - u.beta1);
  let vNew = vOld * u.beta2 + g * g * (1.0 - u.beta2);
  let mHat = mNew / (1.0 - pow(u.beta1, t));
  let vHat = vNew / (1.0 - pow(u.beta2, t));
  let decayed = p * (1.0 - mask[i] * u.lr * u.wd);
  let updated = decayed - u.lr * (mHat / (sqrt(vHat) + u.eps));
  pOut[i] = select(p, updated, apply);
  mOut[i] = select(mOld, mNew, apply);
  vOut[i] = select(vOld, vNew, apply);
}`,
};

function adamwKernel({
  inputs,
  backend,
  attrs,
}: {
  inputs: Record<string, tf.TensorInfo>;
  backend: GpuBackend;
  attrs: Record<string, unknown>;
}): tf.TensorInfo[] {
  const count = attrs.count as number;
  const grads = Array.from({ length: count }, (_, i) => inputs[`g${i}`]);
  const params = Array.from({ length: count }, (_, i) => inputs[`p${i}`]);
  const sizes = params.map((p) => sizeOf(p.shape));
  const n = sizes.reduce((a, b) => a + b, 0);
  const gp = allocate(backend, [2 * n]);
  let offset = 0;
  sizes.forEach((size, i) => {
    copyFloats(backend, grads[i], 0, gp, offset, size);
    copyFloats(backend, params[i], 0, gp, n + offset, size);
    offset += size;
  });
  const stats = allocate(backend, [4]);
  dispatch(backend, statsProgram, [stats], [gp, inputs.loss, inputs.steps], REDUCE_THREADS, [
    n,
    attrs.clipNorm as number,
  ]);
  const [pOut, mOut, vOut] = [0, 1, 2].map(() => allocate(backend, [n]));
  const uniforms = ["lr", "beta1", "beta2", "eps", "weightDecay"].map((k) => attrs[k] as number);
  dispatch(backend, updateProgram, [pOut, mOut, vOut], [gp, inputs.m, inputs.v, inputs.mask, stats], n, [
    n,
    ...uniforms,
  ]);
  offset = 0;
  const nextParams = params.map((p, i) => {
    const next = allocate(backend, p.shape);
    copyFloats(backend, pOut, offset, next, 0, sizes[i]);
    offset += sizes[i];
    return next;
  });
  // stats[0..2] -> gradient norm, gate, step count (stats[3], the clip factor, stays inside).
  const [gradNorm, applied, steps] = [0, 1, 2].map((index) => {
    const scalar = allocate(backend, []);
    copyFloats(backend, stats, index, scalar, 0, 1);
    return scalar;
  });
  for (const t of [gp, stats, pOut]) backend.disposeData(t.dataId);
  return [...nextParams, mOut, vOut, steps, gradNorm, applied];
}

export function registerAdamWKernel(): void {
  registerWebgpuKernel(KERNEL, adamwKernel);
}

export interface FusedAdamWArgs {
  grads: tf.Tensor[];
  params: tf.Tensor[];
  m: tf.Tensor1D;
  v: tf.Tensor1D;
  decayMask: tf.Tensor1D;
  steps: tf.Scalar;
  loss: tf.Scalar;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  clipNorm: number;
}

export interface FusedAdamWResult {
  params: tf.Tensor[];
  m: tf.Tensor1D;
  v: tf.Tensor1D;
  steps: tf.Scalar;
  gradNorm: tf.Scalar;
  applied: tf.Scalar;
}

/** One AdamW step on the fused WebGPU kernel; returns new tensors (the caller assigns them). */
export function fusedAdamWStep(a: FusedAdamWArgs): FusedAdamWResult {
  const inputs: Record<string, tf.Tensor> = {
    m: a.m,
    v: a.v,
    mask: a.decayMask,
    steps: a.steps,
    loss: a.loss,
  };
  a.grads.forEach((g, i) => {
    inputs[`g${i}`] = g;
    inputs[`p${i}`] = a.params[i];
  });
  const out = runFused<tf.Tensor[]>(KERNEL, inputs, {
    count: a.params.length,
    lr: a.lr,
    beta1: a.beta1,
    beta2: a.beta2,
    eps: a.eps,
    weightDecay: a.weightDecay,
    clipNorm: a.clipNorm,
  });
  const k = a.params.length;
  return {
    params: out.slice(0, k),
    m: out[k] as tf.Tensor1D,
    v: out[k + 1] as tf.Tensor1D,
    steps: out[k + 2] as tf.Scalar,
    gradNorm: out[k + 3] as tf.Scalar,
    applied: out[k + 4] as tf.Scalar,
  };
}
