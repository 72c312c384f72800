import type { Activation } from "../config.js";

/**
 * WGSL pieces shared by the fused kernels: activations with their derivatives (the same
 * formulas as tfjs's WebGPU unary ops, so fused and plain paths agree to rounding) and a
 * 4x4 register-tiled product loop. The tile is the point on CPU-emulated adapters: tfjs's
 * shared-memory matmul runs ~6x slower than 4x4 register tiles on SwiftShader (measured:
 * 250 vs 40 ms for 1024x64x256), and it is a reasonable small-model kernel on real GPUs.
 */

/** Activations the fused epilogue supports (every one CLIP configs use). */
export type EpilogueActivation = Activation | "linear";

const ERF = `fn erf_(a : f32) -> f32 {
  let t = 1.0 / (1.0 + 0.3275911 * abs(a));
  let poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  return sign(a) * (1.0 - poly * exp(-a * a));
}`;

const TANH = `fn tanh_(a : f32) -> f32 {
  let e2x = exp(-2.0 * abs(a));
  return sign(a) * (1.0 - e2x) / (1.0 + e2x);
}`;

const SIGMOID = `fn sigmoid_(a : f32) -> f32 { return 1.0 / (1.0 + exp(-a)); }`;

/** `fn act(z: f32) -> f32` and `fn actGrad(z: f32) -> f32` (d act / d z) for `kind`. */
export function activationWgsl(kind: EpilogueActivation): string {
  switch (kind) {
    case "linear":
      return `fn act(z : f32) -> f32 { return z; }
fn actGrad(z : f32) -> f32 { return 1.0; }`;
    case "relu":
      return `fn act(z : f32) -> f32 { return max(z, 0.0); }
fn actGrad(z : f32) -> f32 { return select(0.0, 1.0, z > 0.0); }`;
    case "quick_gelu":
      return `${SIGMOID}
fn act(z : f32) -> f32 { return z * sigmoid_(1.702 * z); }
fn actGrad(z : f32) -> f32 { let s = sigmoid_(1.702 * z); return s + 1.702 * z * s * (1.0 - s); }`;
    case "gelu":
      return `${ERF}
fn act(z : f32) -> f32 { return 0.5 * z * (1.0 + erf_(z * 0.7071067811865476)); }
fn actGrad(z : f32) -> f32 {
  return 0.5 * (1.0 + erf_(z * 0.7071067811865476)) + z * 0.3989422804014327 * exp(-0.5 * z * z);
}`;
    case "gelu_new":
    case "gelu_pytorch_tanh":
      return `${TANH}
fn act(z : f32) -> f32 { return 0.5 * z * (1.0 + tanh_(0.7978845608028654 * (z + 0.044715 * z * z * z))); }
fn actGrad(z : f32) -> f32 {
  let t = tanh_(0.7978845608028654 * (z + 0.044715 * z * z * z));
  return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * 0.7978845608028654 * (1.0 + 0.134145 * z * z);
}`;
  }
}

/**
 * Body of a loop accumulating a 4x4 tile: `acc0..acc3` (vec4, one per tile row) +=
 * A(row i, k) * B(k, columns 0..3). `a(i)` and `b(j)` are WGSL expressions of the loop
 * variable `k` (rows and columns already clamped by the caller).
 */
export function tileLoop(count: string, a: (i: number) => string, b: (j: number) => string): string {
  return `for (var k = 0; k < ${count}; k++) {
      let bv = vec4<f32>(${[0, 1, 2, 3].map(b).join(", ")});
      acc0 += ${a(0)} * bv; acc1 += ${a(1)} * bv; acc2 += ${a(2)} * bv; acc3 += ${a(3)} * bv;
    }`;
}

export const TILE_ACCUMULATORS = `var acc0 = vec4<f32>(0.0); var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0); var acc3 = vec4<f32>(0.0);`;

/** `let name0..3 = min(start + i, last)`: clamped indices, so edge tiles read in bounds. */
export function clamped(name: string, start: string, last: string): string {
  return [0, 1, 2, 3].map((i) => `let ${name}${i} = min(${start} + ${i}, ${last});`).join(" ");
}

/** The accumulator of tile row i as a WGSL expression, e.g. `acc2`. */
export const accRow = (i: number) => `acc${i}`;
