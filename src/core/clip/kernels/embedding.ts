import type * as tf from "@tensorflow/tfjs";
import { registerFusedGradient, registerWebgpuKernel, runFused, sizeOf } from "./registry.js";
import { allocate, dispatch, type GpuBackend, type ProgramSpec } from "./runner.js";

/**
 * The towers' input embeddings as one dispatch each way:
 * - text: token rows gathered by id plus position rows (plain tfjs: gather, slice, add;
 *   backward one-hot product, transpose, scatter, a sum and a pad);
 * - vision: class token prepended to the patch projections plus positions (plain: fill,
 *   multiply, concat, add; backward a split and two sums).
 * Token ids are host-side, so the backward pass of the lookup is planned on the host: the
 * rows of each distinct id (a counting sort), summed per table row without atomics.
 */

const TEXT = "HardNegTokenEmbedding";
const TEXT_GRAD = "HardNegTokenEmbeddingGrad";
const VISION = "HardNegPatchEmbedding";
const VISION_GRAD = "HardNegPatchEmbeddingGrad";

const i32 = (...names: string[]) => names.map((name) => ({ name, type: "i32" as const }));

const textProgram: ProgramSpec = {
  name: "tokenEmbedding",
  outputs: ["y"],
  inputs: ["table", "pos", "ids"],
  uniforms: i32("len", "width"),
  body: `fn run(index : i32) {
  let row = index / u.width;
  let c = index - row * u.width;
  y[index] = table[i32(ids[row]) * u.width + c] + pos[(row % u.len) * u.width + c];
}`,
};

const textGradProgram: ProgramSpec = {
  name: "tokenEmbeddingGrad",
  outputs: ["dtable", "dpos"],
  inputs: ["dy", "slotOf", "offsets", "rowList"],
  uniforms: i32("vocab", "width", "len", "batch"),
  body: `fn run(index : i32) {
  let tableSize = u.vocab * u.width;
  if (index < tableSize) {
    let v = index / u.width;
    let c = index - v * u.width;
    let slot = i32(slotOf[v]);
    var s = 0.0;
    if (slot >= 0) {
      for (var r = i32(offsets[slot]); r < i32(offsets[slot + 1]); r++) { s += dy[i32(rowList[r]) * u.width + c]; }
    }
    dtable[index] = s;
  } else {
    let j = index - tableSize;
    let p = j / u.width;
    let c = j - p * u.width;
    var s = 0.0;
    if (p < u.len) {
      for (var b = 0; b < u.batch; b++) { s += dy[(b * u.len + p) * u.width + c]; }
    }
    dpos[j] = s;
  }
}`,
};

const visionProgram: ProgramSpec = {
  name: "patchEmbedding",
  outputs: ["y"],
  inputs: ["patches", "cls", "pos"],
  uniforms: i32("tokens", "width"),
  body: `fn run(index : i32) {
  let c = index % u.width;
  let bt = index / u.width;
  let t = bt % u.tokens;
  let b = bt / u.tokens;
  var v = cls[c];
  if (t > 0) { v = patches[(b * (u.tokens - 1) + t - 1) * u.width + c]; }
  y[index] = v + pos[t * u.width + c];
}`,
};

const visionGradProgram: ProgramSpec = {
  name: "patchEmbeddingGrad",
  outputs: ["dpatches", "dcls", "dpos"],
  inputs: ["dy"],
  uniforms: i32("batch", "tokens", "width"),
  body: `fn run(index : i32) {
  let patchCount = u.batch * (u.tokens - 1) * u.width;
  if (index < patchCount) {
    let c = index % u.width;
    let bt = index / u.width;
    let t = bt % (u.tokens - 1);
    let b = bt / (u.tokens - 1);
    dpatches[index] = dy[(b * u.tokens + t + 1) * u.width + c];
    return;
  }
  let j = index - patchCount;
  // j < width: the class token (position 0 of every image); then every position.
  let isCls = j < u.width;
  let k = select(j - u.width, j, isCls);
  let t = k / u.width;
  let c = k - t * u.width;
  var s = 0.0;
  for (var b = 0; b < u.batch; b++) { s += dy[(b * u.tokens + t) * u.width + c]; }
  if (isCls) { dcls[c] = s; } else { dpos[k] = s; }
}`,
};

/** For each table row its slot among the distinct ids (-1: unused), and each slot's rows (ids in range). */
export function planLookup(ids: ArrayLike<number>, vocab: number) {
  const slotOf = new Float32Array(vocab).fill(-1);
  const counts: number[] = [];
  const slots = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (slotOf[id] < 0) {
      slotOf[id] = counts.length;
      counts.push(0);
    }
    slots[i] = slotOf[id];
    counts[slots[i]]++;
  }
  const offsets = new Float32Array(counts.length + 1);
  for (let s = 0; s < counts.length; s++) offsets[s + 1] = offsets[s] + counts[s];
  const next = Float32Array.from(offsets.subarray(0, counts.length));
  const rowList = new Float32Array(ids.length);
  for (let i = 0; i < ids.length; i++) rowList[next[slots[i]]++] = i;
  return { slotOf, offsets, rowList };
}

/** A float32 tensor of host values, known to the backend only (freed after the dispatch). */
function upload(backend: GpuBackend, values: Float32Array): tf.TensorInfo {
  const info = backend.makeTensorInfo([values.length], "float32", values);
  backend.uploadToGPU(info.dataId);
  return info;
}

export function registerEmbeddingKernels(): void {
  registerWebgpuKernel(TEXT, ({ inputs, backend, attrs }) => {
    const { table, positions } = inputs;
    const [batch, length] = [attrs.batch as number, attrs.length as number];
    const width = table.shape[1];
    const y = allocate(backend, [batch, length, width]);
    const ids = upload(backend, Float32Array.from(attrs.ids as number[]));
    dispatch(backend, textProgram, [y], [table, positions, ids], batch * length * width, [length, width]);
    backend.disposeData(ids.dataId);
    return y;
  });
  registerWebgpuKernel(TEXT_GRAD, ({ inputs, backend, attrs }) => {
    const { dy } = inputs;
    const [vocab, posRows] = [attrs.vocab as number, attrs.positionRows as number];
    const [batch, length, width] = dy.shape;
    const plan = planLookup(attrs.ids as number[], vocab);
    const planned = [plan.slotOf, plan.offsets, plan.rowList].map((values) => upload(backend, values));
    const outputs = [allocate(backend, [vocab, width]), allocate(backend, [posRows, width])];
    const invocations = (vocab + posRows) * width;
    dispatch(backend, textGradProgram, outputs, [dy, ...planned], invocations, [vocab, width, length, batch]);
    for (const t of planned) backend.disposeData(t.dataId);
    return outputs;
  });
  registerFusedGradient({
    kernelName: TEXT,
    gradFunc: (dy, _saved, attrs) => {
      const [dtable, dpos] = runFused<tf.Tensor[]>(TEXT_GRAD, { dy: dy as tf.Tensor }, attrs);
      return { table: () => dtable, positions: () => dpos };
    },
  });

  registerWebgpuKernel(VISION, ({ inputs, backend }) => {
    const { patches, cls, positions } = inputs;
    const [batch, count, width] = patches.shape;
    const y = allocate(backend, [batch, count + 1, width]);
    dispatch(backend, visionProgram, [y], [patches, cls, positions], sizeOf(y.shape), [count + 1, width]);
    return y;
  });
  registerWebgpuKernel(VISION_GRAD, ({ inputs, backend }) => {
    const { dy } = inputs;
    const [batch, tokens, width] = dy.shape;
    const outputs = [
      allocate(backend, [batch, tokens - 1, width]),
      allocate(backend, [width]),
      allocate(backend, [tokens, width]),
    ];
    const invocations = (batch * (tokens - 1) + 1 + tokens) * width;
    dispatch(backend, visionGradProgram, outputs, [dy], invocations, [batch, tokens, width]);
    return outputs;
  });
  registerFusedGradient({
    kernelName: VISION,
    gradFunc: (dy) => {
      const [dpatches, dcls, dpos] = runFused<tf.Tensor[]>(VISION_GRAD, { dy: dy as tf.Tensor });
      return { patches: () => dpatches, cls: () => dcls, positions: () => dpos };
    },
  });
}

/** table[ids] + positions[0:length] as [batch, length, width] (ids row-major, host-side). */
export function fusedTokenEmbedding(
  table: tf.Tensor,
  positions: tf.Tensor,
  ids: Int32Array,
  batch: number,
  length: number,
): tf.Tensor3D {
  const vocab = table.shape[0];
  for (const id of ids) {
    if (id < 0 || id >= vocab) throw new RangeError(`row index ${id} is outside the table (${vocab} rows)`);
  }
  return runFused<tf.Tensor3D>(
    TEXT,
    { table, positions },
    { ids: Array.from(ids), batch, length, vocab, positionRows: positions.shape[0] },
  );
}

/** [class token; patch projections] + positions, [batch, 1 + patches, width]. */
export function fusedPatchEmbedding(patches: tf.Tensor3D, cls: tf.Tensor, positions: tf.Tensor): tf.Tensor3D {
  return runFused<tf.Tensor3D>(VISION, { patches, cls, positions });
}
