import { describe, expect, it } from "vitest";
import type { BenchModel } from "./models.js";
import { planCases } from "./plan.js";
import { type BenchRow, fusedComparison, pathLabel, torchRatio } from "./report.js";

const model = (id: BenchModel["id"]): BenchModel => ({ id, label: id, spec: { kind: "files", files: {} } });

describe("planCases", () => {
  const options = { warmupSteps: 3, timedSteps: 20, full: false, batches: [16, 64] };

  it("WebGPU: runs the default model at batch 16 on both paths with few steps, and skips the rest", () => {
    const cases = planCases([model("default"), model("small")], ["webgpu"], options);
    const run = cases.filter((c) => !c.skip);
    expect(run.map((c) => [c.model.id, c.batchSize, c.timedSteps, c.straightforwardSteps])).toEqual([
      ["default", 16, 2, 2],
    ]);
    expect(cases).toHaveLength(4);
  });

  it("wasm (Node and worker): every case on both paths, fewer straightforward and large-model steps", () => {
    const cases = planCases([model("default"), model("small")], ["wasm", "wasm-worker"], options);
    expect(cases.every((c) => !c.skip)).toBe(true);
    expect(
      cases.map((c) => [c.backend, c.model.id, c.batchSize, c.timedSteps, c.straightforwardSteps]),
    ).toEqual([
      ["wasm", "default", 16, 20, 3],
      ["wasm", "default", 64, 20, 3],
      ["wasm", "small", 16, 5, 3],
      ["wasm", "small", 64, 5, 3],
      ["wasm-worker", "default", 16, 20, 3],
      ["wasm-worker", "default", 64, 20, 3],
      ["wasm-worker", "small", 16, 5, 3],
      ["wasm-worker", "small", 64, 5, 3],
    ]);
    expect(cases[2].note).toBe("5 fast steps (large model); straightforward: 3 timed steps (slow path)");
  });

  it("--full: full step counts everywhere; cpu is never paired", () => {
    const cases = planCases([model("small")], ["wasm", "cpu"], { ...options, full: true, batches: [64] });
    expect(cases.map((c) => [c.backend, c.timedSteps, c.straightforwardSteps, c.skip])).toEqual([
      ["wasm", 20, 20, undefined],
      ["cpu", 20, undefined, undefined],
    ]);
  });
});

describe("fusedComparison", () => {
  const row = (fused: boolean, medianMs: number, kernels: number, dispatches: number): BenchRow => ({
    model: "m",
    backend: "webgpu",
    batchSize: 16,
    parameters: 1,
    warmupSteps: 1,
    timedSteps: 2,
    msPerStep: [],
    medianMs,
    kernels,
    dispatches,
    fused,
    gflopPerStep: 1,
    gflops: 1,
    tensorsFlat: true,
  });

  it("states the speed-up and the kernel and dispatch shares against the straightforward twin", () => {
    const fused = row(true, 4000, 700, 400);
    const plain = row(false, 20000, 2100, 1200);
    expect(fusedComparison(fused, [fused, plain])).toBe(
      "5.0x faster, kernels 700/2100 = 33 %, dispatches 400/1200 = 33 %",
    );
    expect(fusedComparison(plain, [fused, plain])).toBe("-");
    expect(fusedComparison(fused, [fused])).toBe("-");
  });

  it("labels the paths and divides by PyTorch's time", () => {
    expect(pathLabel({ backend: "wasm", fused: true })).toBe("wasm fast");
    expect(pathLabel({ backend: "node-webgpu", fused: true })).toBe("node-webgpu fused");
    expect(pathLabel({ backend: "wasm-worker", fused: false })).toBe("wasm-worker straightforward");
    expect(pathLabel({ backend: "cpu" })).toBe("cpu");
    expect(torchRatio({ ...row(true, 700, 1, 1), pytorchMs: 140 })).toBe("5.0x");
    expect(torchRatio({ ...row(true, 700, 1, 1), pytorchMs: null })).toBe("-");
  });
});
