import { describe, expect, it } from "vitest";
import { chartRows, memoryRows, trainingRows } from "./loadRows.js";
import { summarize } from "./loadStats.js";

describe("load section rows", () => {
  it("reports long tasks with their largest wall-clock and CPU times", () => {
    const [row] = trainingRows({
      longTasks: [
        { start: 10, wallMs: 174, cpuMs: 12.5 },
        { start: 900, wallMs: 60, cpuMs: 37.9 },
        { start: 1500, wallMs: 80 },
      ],
      tasks: 498,
      maxCpuMs: 37.9,
      seconds: 20,
      batchSize: 8,
      stepsDone: 60,
      backend: "wasm",
    });
    expect(row.result).toBe(
      "3 long tasks: max 174.0 ms wall clock, max 37.9 ms CPU; 498 main-thread tasks, max CPU 37.9 ms",
    );
    expect(row.how).toContain("20 s of training at batch 8 (60 steps in the window)");
  });

  it("says so when there was no long task", () => {
    const [row] = trainingRows({
      longTasks: [],
      tasks: 40,
      maxCpuMs: 9.25,
      seconds: 20,
      batchSize: 8,
      stepsDone: 5,
      backend: "wasm",
    });
    expect(row.result).toBe("0 long tasks (40 main-thread tasks, max CPU 9.3 ms)");
  });

  it("gives medians and maxima of the chart timings", () => {
    const [down, render] = chartRows({
      points: 100_000,
      rows: 2000,
      smoothing: 0.6,
      downsampleMs: [60, 70, 50],
      syncRenderMs: [100, 120, 110],
      renderMs: [400, 500, 300],
    });
    expect(down.measure).toBe("loss chart downsampling, 100,000 points");
    expect(down.result).toBe("60.0 ms median (max 70.0 ms)");
    expect(render.result).toBe("400.0 ms median (max 500.0 ms); synchronous part 110.0 ms");
  });

  it("marks memory flat only when tensors and bytes match", () => {
    const early = { step: 10, numTensors: 83, numBytes: 4 * 1024 * 1024 };
    const msPerStep = summarize([50, 60, 70]);
    const [flat] = memoryRows({ batch: 8, samples: [early, { ...early, step: 1000 }], msPerStep });
    expect(flat.measure).toBe("memory after 1,000 steps");
    expect(flat.result).toBe("step 10: 83 tensors, 4.0 MiB; step 1000: 83 tensors, 4.0 MiB (flat)");
    expect(flat.how).toContain("batch 8 (60.0 ms/step median)");
    const [grew] = memoryRows({
      batch: 8,
      samples: [early, { step: 1000, numTensors: 84, numBytes: early.numBytes + 4 }],
      msPerStep,
    });
    expect(grew.result).toMatch(/\(GREW\)$/);
  });
});
