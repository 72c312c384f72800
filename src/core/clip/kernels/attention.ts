import type * as tf from "@tensorflow/tfjs";
import { registerFusedGradient, registerWebgpuKernel, runFused } from "./registry.js";
import { allocate, cachedPrograms, dispatch, type ProgramSpec } from "./runner.js";

/**
 * Fused multi-head attention on packed projections qkv = [B, L, 3W] (q, k, v side by side,
 * heads interleaved as in HF), output [B, L, W] in the same token-major layout, so no
 * transposes are needed anywhere: softmax(q k^T / sqrt(d) + causal mask) v.
 *
 * Forward: one invocation per (batch, head, query) streams over the keys with an online
 * softmax and also returns the row's log-sum-exp. Backward: one dispatch whose first half
 * of invocations forms dq row by row and whose second half forms dk and dv column by
 * column, recomputing probabilities from the log-sum-exp (as FlashAttention does).
 * Plain tfjs needs ~15 kernels forward (projections reshaped and transposed, two batched
 * products, mask, softmax) and ~30 backward.
 */

const FORWARD = "HardNegAttention";
const BACKWARD = "HardNegAttentionGrad";

const UNIFORMS = [
  { name: "len", type: "i32" as const },
  { name: "heads", type: "i32" as const },
  { name: "width", type: "i32" as const },
  { name: "scale", type: "f32" as const },
];

/** Shared WGSL: where a token's q, k or v of head h starts in qkv. */
const HELPERS = `fn qkvAt(b : i32, t : i32, h : i32, which : i32, dh : i32) -> i32 {
  return (b * u.len + t) * 3 * u.width + which * u.width + h * dh;
}`;

const forwardProgram = cachedPrograms(
  (headDim: number, causal: boolean): ProgramSpec => ({
    name: `attention${headDim}${causal ? "_causal" : ""}`,
    outputs: ["ctx", "lse"],
    inputs: ["qkv"],
    uniforms: UNIFORMS,
    body: `const DH = ${headDim};
${HELPERS}
fn run(index : i32) {
  let i = index % u.len;
  let bh = index / u.len;
  let h = bh % u.heads;
  let b = bh / u.heads;
  let qBase = qkvAt(b, i, h, 0, DH);
  var q : array<f32, DH>;
  for (var d = 0; d < DH; d++) { q[d] = qkv[qBase + d] * u.scale; }
  var acc : array<f32, DH>;
  var m = -3.0e38;
  var l = 0.0;
  let last = ${causal ? "i + 1" : "u.len"};
  for (var j = 0; j < last; j++) {
    let kBase = qkvAt(b, j, h, 1, DH);
    var s = 0.0;
    for (var d = 0; d < DH; d++) { s += q[d] * qkv[kBase + d]; }
    let mNew = max(m, s);
    let corr = exp(m - mNew);
    let p = exp(s - mNew);
    l = l * corr + p;
    let vBase = kBase + u.width;
    for (var d = 0; d < DH; d++) { acc[d] = acc[d] * corr + p * qkv[vBase + d]; }
    m = mNew;
  }
  let oBase = (b * u.len + i) * u.width + h * DH;
  for (var d = 0; d < DH; d++) { ctx[oBase + d] = acc[d] / l; }
  lse[index] = m + log(l);
}`,
  }),
);

const backwardProgram = cachedPrograms(
  (headDim: number, causal: boolean): ProgramSpec => ({
    name: `attentionGrad${headDim}${causal ? "_causal" : ""}`,
    outputs: ["dqkv"],
    inputs: ["qkv", "ctx", "lse", "dout"],
    uniforms: UNIFORMS,
    body: `const DH = ${headDim};
${HELPERS}
fn outAt(b : i32, t : i32, h : i32) -> i32 { return (b * u.len + t) * u.width + h * DH; }
/** dO_t . O_t, the softmax-gradient correction of query row t. */
fn rowDelta(b : i32, t : i32, h : i32) -> f32 {
  let o = outAt(b, t, h);
  var s = 0.0;
  for (var d = 0; d < DH; d++) { s += dout[o + d] * ctx[o + d]; }
  return s;
}
fn run(index : i32) {
  let rowsTotal = u.invocations / 2;
  let isRow = index < rowsTotal;
  let flat = select(index - rowsTotal, index, isRow);
  let t = flat % u.len;
  let bh = flat / u.len;
  let h = bh % u.heads;
  let b = bh / u.heads;
  if (isRow) {
    // dq_i = scale * sum_j P_ij (dP_ij - D_i) k_j
    let i = t;
    var q : array<f32, DH>;
    var g : array<f32, DH>;
    var acc : array<f32, DH>;
    let qBase = qkvAt(b, i, h, 0, DH);
    let o = outAt(b, i, h);
    for (var d = 0; d < DH; d++) { q[d] = qkv[qBase + d] * u.scale; g[d] = dout[o + d]; }
    let delta = rowDelta(b, i, h);
    let rowLse = lse[flat];
    let last = ${causal ? "i + 1" : "u.len"};
    for (var j = 0; j < last; j++) {
      let kBase = qkvAt(b, j, h, 1, DH);
      let vBase = kBase + u.width;
      var s = 0.0;
      var dp = 0.0;
      for (var d = 0; d < DH; d++) { s += q[d] * qkv[kBase + d]; dp += g[d] * qkv[vBase + d]; }
      let ds = exp(s - rowLse) * (dp - delta);
      for (var d = 0; d < DH; d++) { acc[d] += ds * qkv[kBase + d]; }
    }
    for (var d = 0; d < DH; d++) { dqkv[qBase + d] = acc[d] * u.scale; }
  } else {
    // dk_j = scale * sum_i dS_ij q_i, dv_j = sum_i P_ij dO_i
    let j = t;
    var k : array<f32, DH>;
    var v : array<f32, DH>;
    var dk : array<f32, DH>;
    var dv : array<f32, DH>;
    let kBase = qkvAt(b, j, h, 1, DH);
    let vBase = kBase + u.width;
    for (var d = 0; d < DH; d++) { k[d] = qkv[kBase + d]; v[d] = qkv[vBase + d]; }
    for (var i = ${causal ? "j" : "0"}; i < u.len; i++) {
      let qBase = qkvAt(b, i, h, 0, DH);
      let o = outAt(b, i, h);
      var s = 0.0;
      var dp = 0.0;
      for (var d = 0; d < DH; d++) { s += qkv[qBase + d] * k[d]; dp += dout[o + d] * v[d]; }
      let p = exp(s * u.scale - lse[(b * u.heads + h) * u.len + i]);
      let ds = p * (dp - rowDelta(b, i, h));
      for (var d = 0; d < DH; d++) { dk[d] += ds * qkv[qBase + d]; dv[d] += p * dout[o + d]; }
    }
    for (var d = 0; d < DH; d++) {
      dqkv[kBase + d] = dk[d] * u.scale;
      dqkv[vBase + d] = dv[d];
    }
  }
}`,
  }),
);

interface AttentionShape {
  batch: number;
  len: number;
  width: number;
  heads: number;
  headDim: number;
}

function shapeOf(qkv: tf.TensorInfo, heads: number): AttentionShape {
  const [batch, len, packed] = qkv.shape;
  const width = packed / 3;
  return { batch, len, width, heads, headDim: width / heads };
}

const uniformsOf = (s: AttentionShape) => [s.len, s.heads, s.width, s.headDim ** -0.5];

export function registerAttentionKernels(): void {
  registerWebgpuKernel(FORWARD, ({ inputs, backend, attrs }) => {
    const s = shapeOf(inputs.qkv, attrs.heads as number);
    const rows = s.batch * s.heads * s.len;
    const ctx = allocate(backend, [s.batch, s.len, s.width]);
    const lse = allocate(backend, [s.batch, s.heads, s.len]);
    const program = forwardProgram(s.headDim, attrs.causal as boolean);
    dispatch(backend, program, [ctx, lse], [inputs.qkv], rows, uniformsOf(s));
    return [ctx, lse];
  });
  registerWebgpuKernel(BACKWARD, ({ inputs, backend, attrs }) => {
    const { qkv, ctx, lse, dout } = inputs;
    const s = shapeOf(qkv, attrs.heads as number);
    const dqkv = allocate(backend, qkv.shape);
    const program = backwardProgram(s.headDim, attrs.causal as boolean);
    dispatch(backend, program, [dqkv], [qkv, ctx, lse, dout], 2 * s.batch * s.heads * s.len, uniformsOf(s));
    return dqkv;
  });
  registerFusedGradient({
    kernelName: FORWARD,
    inputsToSave: ["qkv"],
    outputsToSave: [true, true],
    gradFunc: (dys, saved, attrs) => {
      const dout = (dys as tf.Tensor[])[0];
      const [qkv, ctx, lse] = saved;
      return { qkv: () => runFused<tf.Tensor>(BACKWARD, { qkv, ctx, lse, dout }, attrs) };
    },
  });
}

/** softmax(q k^T / sqrt(d) [+ causal mask]) v per head on the fused WebGPU kernels. */
export function fusedAttention(qkv: tf.Tensor3D, heads: number, causal: boolean): tf.Tensor3D {
  return runFused<tf.Tensor[]>(FORWARD, { qkv }, { heads, causal })[0] as tf.Tensor3D;
}
