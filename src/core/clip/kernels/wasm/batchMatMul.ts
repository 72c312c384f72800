import * as tf from "@tensorflow/tfjs";
import { decodeBase64 } from "../../../io/base64.js";
import { straightforwardOps } from "../switch.js";
import { BATCH_MAT_MUL_WASM } from "./batchMatMulBinary.js";

/**
 * Batched matrix products on tfjs-backend-wasm through our own wasm-SIMD kernel
 * (batchMatMul.as.ts). tfjs-wasm sends only batch-1 products to XNNPACK and runs batched
 * ones in a scalar loop; attention's many small products (one per sample and head) ran at
 * ~2 GFLOP/s there, 4-8x slower than this kernel (`npm run bench`). Same summation order
 * as tfjs's loop: results are identical.
 *
 * Other backends, the straightforward path (setFusedKernels(false)), broadcast batches and
 * a wasm build the module cannot link to (no SIMD) take tf.matMul.
 */

const KERNEL = "HardNegBatchMatMulSimd";

type KernelFunction = (
  a: number,
  b: number,
  c: number,
  batch: number,
  m: number,
  k: number,
  n: number,
  transposeA: number,
  transposeB: number,
  scratch: number,
) => void;

/** The parts of tfjs-backend-wasm's BackendWasm the kernel uses. */
interface WasmBackend {
  wasm: {
    asm?: { memory?: WebAssembly.Memory };
    _malloc(bytes: number): number;
    _free(pointer: number): void;
  };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

interface Dims {
  batch: number;
  m: number;
  k: number;
  n: number;
}

/** out = op(a) op(b) for float32 tensors of one wasm backend. */
export type Product = (
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  out: tf.TensorInfo,
  dims: Dims,
  transposeA: boolean,
  transposeB: boolean,
) => void;

/** The kernel working in `memory`; null where it cannot (no wasm SIMD). */
function instantiate(memory: WebAssembly.Memory): KernelFunction | null {
  try {
    // ~1 KB: synchronous compilation is allowed on every thread.
    const module = new WebAssembly.Module(decodeBase64(BATCH_MAT_MUL_WASM));
    return new WebAssembly.Instance(module, { env: { memory } }).exports.batchMatMul as KernelFunction;
  } catch {
    return null;
  }
}

const FLOAT = 4;

/**
 * The product for `backend`. tfjs's single-threaded wasm builds export their memory: the
 * kernel then works on tensors where they lie. The threaded build (pages with cross-origin
 * isolation) imports a shared memory it does not expose, so there the operands are copied
 * into a memory of our own and the result back (~1 MB each for attention: well under 1 ms).
 */
export function createProduct(backend: WasmBackend, heap: WebAssembly.Memory | undefined): Product | null {
  const memory = heap ?? new WebAssembly.Memory({ initial: 1 });
  const kernel = instantiate(memory);
  if (!kernel) return null;
  if (heap) {
    const offset = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;
    return (a, b, out, { batch, m, k, n }, ta, tb) => {
      const scratch = tb ? backend.wasm._malloc(Math.max(FLOAT, k * n * FLOAT)) : 0;
      kernel(offset(a), offset(b), offset(out), batch, m, k, n, +ta, +tb, scratch);
      if (scratch) backend.wasm._free(scratch);
    };
  }
  return (a, b, out, { batch, m, k, n }, ta, tb) => {
    const [aSize, bSize, cSize] = [batch * m * k, batch * k * n, batch * m * n];
    const floats = aSize + bSize + cSize + (tb ? k * n : 0);
    const missing = floats * FLOAT - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
    const view = new Float32Array(memory.buffer);
    view.set(backend.typedArrayFromHeap(a) as Float32Array, 0);
    view.set(backend.typedArrayFromHeap(b) as Float32Array, aSize);
    const cAt = aSize + bSize;
    kernel(0, aSize * FLOAT, cAt * FLOAT, batch, m, k, n, +ta, +tb, (cAt + cSize) * FLOAT);
    backend.typedArrayFromHeap(out).set(view.subarray(cAt, cAt + cSize));
  };
}

/** One product per backend instance (a new wasm backend has a new heap). */
const products = new WeakMap<object, Product | null>();

function productFor(backend: WasmBackend): Product | null {
  if (!products.has(backend)) products.set(backend, createProduct(backend, backend.wasm.asm?.memory));
  return products.get(backend) ?? null;
}

function dimsOf(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): Dims {
  const [ra, rb] = [a.shape.length, b.shape.length];
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const batch = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  return { batch, m, k, n };
}

function registerKernel(): void {
  if (tf.getKernel(KERNEL, "wasm")) return;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as unknown as WasmBackend;
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const transposeA = attrs?.transposeA === true;
      const transposeB = attrs?.transposeB === true;
      const dims = dimsOf(a, b, transposeA, transposeB);
      const product = productFor(wasm);
      if (!product) throw new Error(`${KERNEL}: the wasm kernel is not available`);
      const out = wasm.makeOutput([...a.shape.slice(0, -2), dims.m, dims.n], "float32");
      product(a, b, out, dims, transposeA, transposeB);
      return out;
    },
  });
  // d(op(A) op(B)), written with the same kernel (transpose flags cost nothing here).
  tf.registerGradient({
    kernelName: KERNEL,
    inputsToSave: ["a", "b"],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved;
      const dc = dy as tf.Tensor;
      const ta = attrs.transposeA === true;
      const tb = attrs.transposeB === true;
      if (!ta && !tb) return { a: () => product(dc, b, false, true), b: () => product(a, dc, true, false) };
      if (!ta && tb) return { a: () => product(dc, b, false, false), b: () => product(dc, a, true, false) };
      if (ta && !tb) return { a: () => product(b, dc, false, true), b: () => product(a, dc, false, false) };
      return { a: () => product(b, dc, true, true), b: () => product(dc, a, true, true) };
    },
  });
}

function product(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  return tf.engine().runKernel(KERNEL, { a, b }, { transposeA, transposeB }) as tf.Tensor;
}

/** Whether `batchMatMul` takes the SIMD kernel for these operands on the current backend. */
export function simdBatchMatMulApplies(
  a: tf.Tensor,
  b: tf.Tensor,
  transposeA = false,
  transposeB = false,
): boolean {
  if (straightforwardOps() || tf.getBackend() !== "wasm") return false;
  if (a.rank < 3 || a.rank !== b.rank || a.dtype !== "float32" || b.dtype !== "float32") return false;
  if (a.shape.slice(0, -2).some((d, i) => d !== b.shape[i]) || a.size === 0 || b.size === 0) return false;
  // Mismatched inner sizes go to tf.matMul, which says so.
  const innerA = a.shape[a.rank - (transposeA ? 2 : 1)];
  const innerB = b.shape[b.rank - (transposeB ? 1 : 2)];
  if (innerA !== innerB) return false;
  return productFor(tf.backend() as unknown as WasmBackend) !== null;
}

/** tf.matMul(a, b, transposeA, transposeB) for batched operands of equal batch shape. */
export function batchMatMul<T extends tf.Tensor>(a: T, b: T, transposeA = false, transposeB = false): T {
  if (!simdBatchMatMulApplies(a, b, transposeA, transposeB))
    return tf.matMul(a, b, transposeA, transposeB) as T;
  registerKernel();
  return product(a, b, transposeA, transposeB) as T;
}
