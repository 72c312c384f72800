import { describe, expect, it } from "vitest";
import type { BenchModel } from "./models.js";
import { planCases } from "./plan.js";
import { type BenchRow, fusedComparison } from "./report.js";

const model = (id: BenchModel["id"]): BenchModel => ({ id, label: id, spec: { kind: "files", files: {} } });

describe("planCases on WebGPU", () => {
  it("runs the default model at batch 16 twice, fused and straightforward, and skips the rest", () => {
    const cases = planCases([model("default"), model("small")], ["webgpu"], {
      warmupSteps: 3,
      timedSteps: 20,
      full: false,
      batches: [16, 64],
    });
    const run = cases.filter((c) => !c.skip);
    expect(run.map((c) => [c.model.id, c.batchSize, c.fused, c.timedSteps])).toEqual([
      ["default", 16, true, 2],
      ["default", 16, false, 2],
    ]);
    expect(cases).toHaveLength(8);
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
});
