import { describe, expect, it } from "vitest";
import {
  type BackendMeasurement,
  DEFAULT_BOUNDS,
  fastestBackend,
  isSelectable,
  pickTrainingBackend,
  stepBoundMs,
  wasmThreadsWorthIt,
} from "./backendChoice.js";

// The figures: Chromium's SwiftShader adapter ~65 s per step, wasm ~5.2 s.
const wasm: BackendMeasurement = {
  backend: "wasm",
  status: "measured",
  firstStepMs: 9_000,
  msPerStep: 5_200,
};
const swiftShaderTooSlow: BackendMeasurement = {
  backend: "webgpu",
  status: "too-slow",
  boundMs: 52_000,
  software: true,
};
const cpu: BackendMeasurement = {
  backend: "cpu",
  status: "measured",
  firstStepMs: 40_000,
  msPerStep: 38_000,
};

describe("stepBoundMs", () => {
  it("is the cap before anything was measured", () => {
    expect(stepBoundMs([], "wasm", "first")).toBe(60_000);
    expect(stepBoundMs([{ backend: "wasm", status: "failed" }], "webgpu", "timed")).toBe(60_000);
  });

  it("is factor x the fastest completed step of the same kind, within [floor, cap]", () => {
    // timed: 10 x 5.2 s = 52 s, under the 60 s cap.
    expect(stepBoundMs([wasm], "webgpu", "timed")).toBe(52_000);
    // first: 10 x 9 s = 90 s, capped at 60 s.
    expect(stepBoundMs([wasm], "webgpu", "first")).toBe(60_000);
    // The fastest of several counts: min(5.2 s, 38 s) x 10.
    expect(stepBoundMs([cpu, wasm], "webgpu", "timed")).toBe(52_000);
    // A fast wasm step (40 ms): the timed bound 400 ms is raised to the 1 s floor.
    const fast: BackendMeasurement = { backend: "wasm", status: "measured", firstStepMs: 300, msPerStep: 40 };
    expect(stepBoundMs([fast], "cpu", "timed")).toBe(1_000);
    expect(stepBoundMs([fast], "cpu", "timed", { ...DEFAULT_BOUNDS, factor: 50 })).toBe(2_000);
    // First steps: WebGPU compiles hundreds of kernels (seconds on a real GPU) and keeps 10 s;
    // cpu compiles nothing and gets 10 x 300 ms.
    expect(stepBoundMs([fast], "webgpu", "first")).toBe(10_000);
    expect(stepBoundMs([fast], "cpu", "first")).toBe(3_000);
  });

  it("ignores too-slow, failed and pending backends", () => {
    const done = [swiftShaderTooSlow, { backend: "cpu", status: "pending" } as const, wasm];
    expect(stepBoundMs(done, "cpu", "timed")).toBe(52_000);
  });
});

describe("fastestBackend", () => {
  it("takes the smallest measured step and never a too-slow or failed one", () => {
    expect(fastestBackend([wasm, swiftShaderTooSlow, cpu])).toBe("wasm");
    const gpu: BackendMeasurement = {
      backend: "webgpu",
      status: "measured",
      firstStepMs: 4_000,
      msPerStep: 80,
    };
    expect(fastestBackend([wasm, gpu, cpu])).toBe("webgpu");
    expect(fastestBackend([{ backend: "webgpu", status: "failed" }, swiftShaderTooSlow])).toBeUndefined();
  });
});

describe("pickTrainingBackend", () => {
  it("automatic: the fastest measured; the current backend when none was", () => {
    expect(pickTrainingBackend([wasm, swiftShaderTooSlow, cpu], "auto", "webgpu")).toEqual({
      backend: "wasm",
      reason: "fastest measured step",
    });
    expect(pickTrainingBackend([], "auto", "webgpu")).toEqual({
      backend: "webgpu",
      reason: "no backend measured yet",
    });
  });

  it("an override wins, even over a faster backend or when it was too slow", () => {
    expect(pickTrainingBackend([wasm, swiftShaderTooSlow, cpu], "webgpu", "wasm").backend).toBe("webgpu");
    expect(pickTrainingBackend([wasm, swiftShaderTooSlow, cpu], "cpu", "wasm")).toEqual({
      backend: "cpu",
      reason: "chosen by you",
    });
    // Pinned before any measurement (a shared link with ?backend=webgpu).
    expect(pickTrainingBackend([], "webgpu", "wasm").backend).toBe("webgpu");
  });

  it("an override that cannot start falls back to the automatic choice and says why", () => {
    const noGpu: BackendMeasurement = { backend: "webgpu", status: "unavailable", reason: "no adapter" };
    expect(pickTrainingBackend([wasm, noGpu, cpu], "webgpu", "wasm")).toEqual({
      backend: "wasm",
      reason: "webgpu cannot start (no adapter); fastest measured step",
    });
  });
});

describe("isSelectable", () => {
  it("allows measured and too-slow backends, not unavailable or failed ones", () => {
    expect([wasm, swiftShaderTooSlow].map(isSelectable)).toEqual([true, true]);
    expect(
      isSelectable({ backend: "webgpu", status: "unavailable" }) ||
        isSelectable({ backend: "cpu", status: "failed" }),
    ).toBe(false);
    expect(isSelectable(undefined)).toBe(false);
  });
});

describe("wasmThreadsWorthIt", () => {
  it("takes the threaded build only where tfjs would run two or more threads (half the cores)", () => {
    expect([1, 2, 3].map(wasmThreadsWorthIt)).toEqual([false, false, false]);
    expect([4, 5, 8, 16].map(wasmThreadsWorthIt)).toEqual([true, true, true, true]);
  });
});
