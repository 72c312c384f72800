import type * as tf from "@tensorflow/tfjs";
import { registerFusedGradient, registerWebgpuKernel, runFused, sizeOf } from "./registry.js";
import { allocate, cachedPrograms, dispatch, type ProgramSpec } from "./runner.js";

/**
 * Fused LayerNorm over the last axis: one dispatch forward (one invocation per row; it
 * also returns each row's mean and 1/std for the backward pass) and one backward (row
 * invocations form dx, column invocations sum dgamma and dbeta over the rows). The plain
 * tfjs formulation is ~9 kernels forward and ~20 backward, with reductions that are slow
 * on CPU-emulated adapters.
 *
 * In a pre-norm residual block the LayerNorm's input is also the residual: with
 * `passThrough` the kernel returns that input as a third output (an alias, no copy) and
 * the backward dispatch adds the residual's gradient to dx, which saves the separate
 * gradient sum of the residual stream.
 */

const FORWARD = "HardNegLayerNorm";
const BACKWARD = "HardNegLayerNormGrad";

const forwardProgram: ProgramSpec = {
  name: "layerNorm",
  outputs: ["y", "stats"],
  inputs: ["x", "gamma", "beta"],
  uniforms: [
    { name: "d", type: "i32" },
    { name: "eps", type: "f32" },
  ],
  body: `fn run(row : i32) {
  let base = row * u.d;
  let inv = 1.0 / f32(u.d);
  var mean = 0.0;
  for (var c = 0; c < u.d; c++) { mean += x[base + c]; }
  mean *= inv;
  var variance = 0.0;
  for (var c = 0; c < u.d; c++) { let t = x[base + c] - mean; variance += t * t; }
  let rstd = inverseSqrt(variance * inv + u.eps);
  for (var c = 0; c < u.d; c++) { y[base + c] = (x[base + c] - mean) * rstd * gamma[c] + beta[c]; }
  stats[2 * row] = mean;
  stats[2 * row + 1] = rstd;
}`,
};

const backwardProgram = cachedPrograms(
  (withResidual: boolean): ProgramSpec => ({
    name: `layerNormGrad${withResidual ? "_residual" : ""}`,
    outputs: ["dx", "dgamma", "dbeta"],
    inputs: ["x", "gamma", "dy", "stats", ...(withResidual ? ["dres"] : [])],
    uniforms: [
      { name: "rows", type: "i32" },
      { name: "d", type: "i32" },
    ],
    body: `fn run(index : i32) {
  if (index < u.rows) {
    let base = index * u.d;
    let mean = stats[2 * index];
    let rstd = stats[2 * index + 1];
    var s1 = 0.0;
    var s2 = 0.0;
    for (var c = 0; c < u.d; c++) {
      let g = dy[base + c] * gamma[c];
      s1 += g;
      s2 += g * (x[base + c] - mean) * rstd;
    }
    let inv = 1.0 / f32(u.d);
    for (var c = 0; c < u.d; c++) {
      let g = dy[base + c] * gamma[c];
      let xhat = (x[base + c] - mean) * rstd;
      dx[base + c] = rstd * (g - s1 * inv - xhat * s2 * inv)${withResidual ? " + dres[base + c]" : ""};
    }
  } else {
    let c = index - u.rows;
    var sg = 0.0;
    var sb = 0.0;
    for (var r = 0; r < u.rows; r++) {
      let o = r * u.d + c;
      sg += dy[o] * (x[o] - stats[2 * r]) * stats[2 * r + 1];
      sb += dy[o];
    }
    dgamma[c] = sg;
    dbeta[c] = sb;
  }
}`,
  }),
);

export function registerLayerNormKernels(): void {
  registerWebgpuKernel(FORWARD, ({ inputs, backend, attrs }) => {
    const { x, gamma, beta } = inputs;
    const d = x.shape[x.shape.length - 1];
    const rows = sizeOf(x.shape) / d;
    const y = allocate(backend, x.shape);
    const stats = allocate(backend, [rows, 2]);
    dispatch(backend, forwardProgram, [y, stats], [x, gamma, beta], rows, [d, attrs.eps as number]);
    if (!attrs.passThrough) return [y, stats];
    backend.incRef(x.dataId);
    return [y, stats, { dataId: x.dataId, shape: x.shape, dtype: x.dtype }];
  });
  registerWebgpuKernel(BACKWARD, ({ inputs, backend }) => {
    const { x, gamma, dy, stats, dres } = inputs;
    const d = x.shape[x.shape.length - 1];
    const rows = sizeOf(x.shape) / d;
    const outputs = [allocate(backend, x.shape), allocate(backend, [d]), allocate(backend, [d])];
    const extra = dres ? [dres] : [];
    dispatch(
      backend,
      backwardProgram(dres !== undefined),
      outputs,
      [x, gamma, dy, stats, ...extra],
      rows + d,
      [rows, d],
    );
    return outputs;
  });
  registerFusedGradient({
    kernelName: FORWARD,
    inputsToSave: ["x", "gamma"],
    outputsToSave: [false, true],
    gradFunc: (dys, saved, attrs) => {
      const [dy, , dres] = dys as tf.Tensor[];
      const [x, gamma, stats] = saved;
      const inputs = { x, gamma, dy, stats, ...(attrs.passThrough ? { dres } : {}) };
      const [dx, dgamma, dbeta] = runFused<tf.Tensor[]>(BACKWARD, inputs);
      return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
    },
  });
}

/** LayerNorm of the last axis of x on the fused WebGPU kernels. */
export function fusedLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  return runFused<tf.Tensor[]>(FORWARD, { x, gamma, beta }, { eps, passThrough: false })[0];
}

/**
 * [LayerNorm(x), x]: the second is x itself for use as the block's residual, whose
 * gradient the LayerNorm's backward dispatch then adds (see the file comment).
 */
export function fusedLayerNormPassThrough(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  eps: number,
): [tf.Tensor, tf.Tensor] {
  const [y, , residual] = runFused<tf.Tensor[]>(FORWARD, { x, gamma, beta }, { eps, passThrough: true });
  return [y, residual];
}
