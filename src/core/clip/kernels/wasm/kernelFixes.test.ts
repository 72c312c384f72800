import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { describe, expect, it } from "vitest";
import { installWasmKernelFixes } from "./kernelFixes.js";

/** Runs `f` on a backend and returns every output's values. */
async function on(backend: string, f: () => tf.Tensor | tf.Tensor[]): Promise<number[][]> {
  expect(await tf.setBackend(backend)).toBe(true);
  return tf.tidy(() => [f()].flat().map((t) => Array.from(t.dataSync())));
}

const ramp = (shape: number[], dtype: "float32" | "int32" = "float32") =>
  tf
    .range(
      0,
      shape.reduce((a, b) => a * b, 1),
      1,
      dtype,
    )
    .reshape(shape);

// Contiguous, strided and high-rank slices and splits; the cpu backend is the reference.
const CASES: [string, () => tf.Tensor | tf.Tensor[]][] = [
  ["1-D contiguous", () => tf.slice(ramp([1000]), 17, 64)],
  ["2-D rows (contiguous)", () => tf.slice(ramp([6, 5]), [2, 0], [3, 5])],
  ["2-D columns", () => tf.slice(ramp([6, 5]), [1, 2], [4, 2])],
  ["3-D block", () => tf.slice(ramp([4, 5, 6]), [1, 2, 3], [2, 3, 3])],
  ["5-D block", () => tf.slice(ramp([2, 3, 4, 2, 3]), [1, 0, 1, 1, 1], [1, 3, 2, 1, 2])],
  ["int32, size -1", () => tf.slice(ramp([5, 4], "int32"), [1, 1], [-1, 2])],
  ["empty", () => tf.slice(ramp([5, 4]), [1, 1], [0, 2])],
  ["split of a flat vector", () => tf.split(ramp([263]), [100, 1, 62, 100])],
  ["split along the last axis", () => tf.split(ramp([3, 4, 6]), 3, -1)],
  ["split along a middle axis", () => tf.split(ramp([3, 4, 6]), [1, 3], 1)],
  ["gather rows, repeated ids", () => tf.gather(ramp([7, 5]), tf.tensor1d([6, 0, 6, 3], "int32"))],
  [
    "gather along a middle axis, 2-D ids",
    () => tf.gather(ramp([2, 6, 3]), tf.tensor2d([5, 1, 1, 0], [2, 2], "int32"), 1),
  ],
  [
    "gather with a batch axis",
    () => tf.gather(ramp([2, 4, 3]), tf.tensor2d([3, 0, 1, 1], [2, 2], "int32"), 1, 1),
  ],
  ["gather of int32 values", () => tf.gather(ramp([5, 2], "int32"), tf.tensor1d([4, 2], "int32"))],
];

describe("wasm Identity, Slice, SplitV and GatherV2 without the needless copies (tfjs 4.22 bugs)", () => {
  it("are installed over tfjs-backend-wasm's kernels, once", () => {
    installWasmKernelFixes();
    const installed = ["Identity", "Slice", "SplitV", "GatherV2"].map(
      (name) => tf.getKernel(name, "wasm")!.kernelFunc,
    );
    for (const kernel of installed) expect((kernel as { heapView?: boolean }).heapView).toBe(true);
    installWasmKernelFixes();
    expect(
      ["Identity", "Slice", "SplitV", "GatherV2"].map((name) => tf.getKernel(name, "wasm")!.kernelFunc),
    ).toEqual(installed);
  });

  it("Identity shares the input's memory, and the clone outlives its source", async () => {
    installWasmKernelFixes();
    expect(await tf.setBackend("wasm")).toBe(true);
    const x = tf.tensor1d([1, 2, 3]);
    const buffers = tf.memory().numDataBuffers;
    const copy = tf.clone(x);
    expect(tf.memory().numDataBuffers).toBe(buffers); // no second buffer
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
    copy.dispose();
    expect(tf.memory().numDataBuffers).toBe(buffers - 1);
  });

  it.each(CASES)("%s: same values as the cpu backend", async (_name, f) => {
    installWasmKernelFixes();
    const want = await on("cpu", f);
    const got = await on("wasm", f);
    expect(got).toEqual(want);
  });

  it("gather refuses an index outside the axis, as tfjs does", async () => {
    installWasmKernelFixes();
    expect(await tf.setBackend("wasm")).toBe(true);
    expect(() => tf.gather(ramp([3, 2]), tf.tensor1d([1, 3], "int32"))).toThrow(
      /index value 3 is not in \[0, 2\]/,
    );
  });

  it("stay correct when the output's allocation grows the wasm heap", async () => {
    installWasmKernelFixes();
    expect(await tf.setBackend("wasm")).toBe(true);
    const heapBytes = () =>
      (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
    // An input as large as the heap was: its pieces need as much again, so the heap grows
    // while the kernel allocates them (and views taken before would be detached).
    const length = heapBytes() / 4;
    const x = tf.range(0, length, 1, "float32");
    const before = heapBytes();
    const pieces = tf.split(x, 4);
    expect(heapBytes()).toBeGreaterThan(before);
    pieces.forEach((piece, i) => {
      const values = piece.dataSync();
      expect([values[0], values[values.length - 1]]).toEqual([(i * length) / 4, ((i + 1) * length) / 4 - 1]);
    });
    tf.dispose([x, ...pieces]);
  });
});
