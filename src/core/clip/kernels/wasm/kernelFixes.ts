import * as tf from "@tensorflow/tfjs";

/**
 * tfjs 4.22 bugs worked around here.
 *
 * Identity (tf.clone, and the engine's copy of every tensor saved for a gradient) copies
 * its input on wasm, where the other backends share it (tensors are immutable; Reshape
 * shares on wasm too): 23 ms of a 0.4 s step. It shares here.
 *
 * Slice (and SplitV, which calls it per piece) reads its input with `readSync`, which
 * copies the *whole* input out of the wasm heap on every call: splitting AdamW's flat
 * 264k-parameter vector into its ~40 tensors cost 23 ms of a 0.45 s step, and slicing 64
 * values took as long as 16,384. Ours copy only the slice, from a view of the heap taken
 * after the output is allocated (an allocation may grow the heap and detach older views).
 *
 * GatherV2 checks every index through an assertion that builds a message closure per
 * index and then gathers element by element: 15 ms for the text tower's 7,040 token rows of
 * 64 floats. Ours copies whole rows (the indices are checked in one loop).
 */

interface WasmBackend {
  incRef(dataId: object): void;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** Copies x[begin : begin + size] (any rank) into a new output tensor. */
function sliceOf(backend: WasmBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  const count = size.reduce((a, b) => a * b, 1);
  if (count === 0) return out;
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  const strides = tf.util.computeStrides(x.shape);
  const rank = x.shape.length;
  if (rank === 0 || tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const start = tf.slice_util.computeFlatOffset(begin, strides);
    target.set(source.subarray(start, start + count));
    return out;
  }
  // Row by row along the last axis; `index` walks the output's leading axes.
  const rowLength = size[rank - 1];
  const index = new Array(rank - 1).fill(0);
  for (let written = 0; written < count; written += rowLength) {
    let start = begin[rank - 1];
    for (let axis = 0; axis < rank - 1; axis++) start += (begin[axis] + index[axis]) * strides[axis];
    target.set(source.subarray(start, start + rowLength), written);
    for (let axis = rank - 2; axis >= 0; axis--) {
      if (++index[axis] < size[axis]) break;
      index[axis] = 0;
    }
  }
  return out;
}

function replaceWasmKernel(
  name: string,
  kernelFunc: (args: KernelArgs, original: tf.KernelFunc) => unknown,
): void {
  const original = tf.getKernel(name, "wasm");
  if (!original || (original.kernelFunc as { heapView?: boolean }).heapView) return;
  const replacement = Object.assign((args: KernelArgs) => kernelFunc(args, original.kernelFunc), {
    heapView: true,
  });
  tf.unregisterKernel(name, "wasm");
  tf.registerKernel({ ...original, kernelFunc: replacement as unknown as tf.KernelFunc });
}

/** x gathered at `indices` along `axis` (tf.gather), rows copied whole. */
function gatherOf(
  backend: WasmBackend,
  x: tf.TensorInfo,
  indices: tf.TensorInfo,
  axis: number,
  batchDims: number,
): tf.TensorInfo {
  const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(
    x as tf.Tensor,
    indices as tf.Tensor,
    axis,
    batchDims,
  );
  const { batchSize, outerSize, dimSize, sliceSize } = info;
  const ids = backend.typedArrayFromHeap(indices);
  for (const id of ids)
    if (id < 0 || id >= dimSize)
      throw new Error(`GatherV2: the index value ${id} is not in [0, ${dimSize - 1}]`);
  const out = backend.makeOutput(info.outputShape, x.dtype);
  const perBatch = ids.length / batchSize;
  if (out.shape.reduce((a, b) => a * b, 1) === 0) return out;
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  // Views taken after the allocation; indices re-read from the current heap.
  const idsNow = backend.typedArrayFromHeap(indices);
  let written = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let o = 0; o < outerSize; o++) {
      const base = (b * outerSize + o) * dimSize;
      for (let i = 0; i < perBatch; i++) {
        const start = (base + idsNow[b * perBatch + i]) * sliceSize;
        target.set(source.subarray(start, start + sliceSize), written);
        written += sliceSize;
      }
    }
  }
  return out;
}

const REPLACED = ["GatherV2", "Identity", "Slice", "SplitV"];
let installed = false;

/**
 * Installs the replacements once the wasm backend's kernels are registered. The wasm
 * backend may be imported after this module, so every forward pass (attentionHeads) and
 * AdamW step calls this; after the first install it returns at once.
 */
export function installWasmKernelFixes(): void {
  if (installed) return;
  replaceWasmKernel("GatherV2", (args, original) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    if (x.dtype === "string" || indices.dtype !== "int32") return original(args);
    const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
    const along = tf.util.parseAxisParam(axis, x.shape)[0];
    return gatherOf(args.backend as unknown as WasmBackend, x, indices, along, batchDims ?? 0);
  });
  replaceWasmKernel("Identity", (args, original) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === "string") return original(args);
    (args.backend as unknown as WasmBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
  replaceWasmKernel("Slice", (args, original) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === "string") return original(args);
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
    const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    return sliceOf(args.backend as unknown as WasmBackend, x, b, s);
  });
  replaceWasmKernel("SplitV", (args, original) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === "string") return original(args);
    const { numOrSizeSplits, axis } = args.attrs as unknown as {
      numOrSizeSplits: number | number[];
      axis: number;
    };
    const along = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, along);
    const begin = new Array(x.shape.length).fill(0);
    return sizes.map((pieceSize) => {
      const size = [...x.shape];
      size[along] = pieceSize;
      const piece = sliceOf(args.backend as unknown as WasmBackend, x, begin, size);
      begin[along] += pieceSize;
      return piece;
    });
  });
  installed = REPLACED.every(
    (name) => (tf.getKernel(name, "wasm")?.kernelFunc as { heapView?: boolean })?.heapView,
  );
}
