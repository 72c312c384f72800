import * as Comlink from "comlink";
import { create } from "zustand";
import type { BenchmarkResult } from "../core/eval/benchmark.js";
import { labWorker } from "../worker/client.js";
import type { BaseCurrentBenchmark } from "../worker/probeApi.js";
import { useClipStore } from "./clipStore.js";

export const BENCHMARK_SIZES = [100, 250, 500, 1000, 2000];
export const DEFAULT_BENCHMARK_N = 500;

export interface BenchmarkProgress {
  phase: "base" | "current";
  done: number;
  total: number;
}

export interface BenchmarkRow {
  metric: string;
  base: number | null;
  current: number | null;
}

/** Per-type accuracies (one row per negative type) for the table and the chart. */
export function perTypeRows(base: BenchmarkResult, current: BenchmarkResult): BenchmarkRow[] {
  return Object.keys(current.perType).map((type) => ({
    metric: type,
    base: base.perType[type] ?? null,
    current: current.perType[type] ?? null,
  }));
}

/** R@1 / R@5 in both directions. */
export function retrievalRows(base: BenchmarkResult, current: BenchmarkResult): BenchmarkRow[] {
  const pick = [
    ["R@1 image→text", "r1_i2t"],
    ["R@5 image→text", "r5_i2t"],
    ["R@1 text→image", "r1_t2i"],
    ["R@5 text→image", "r5_t2i"],
  ] as const;
  return pick.map(([metric, key]) => ({ metric, base: base[key], current: current[key] }));
}

interface BenchmarkState {
  n: number;
  running: boolean;
  progress?: BenchmarkProgress;
  result?: BaseCurrentBenchmark;
  error?: string;
  setN(n: number): void;
  run(): Promise<void>;
}

export const useBenchmarkStore = create<BenchmarkState>((set, get) => ({
  n: DEFAULT_BENCHMARK_N,
  running: false,
  setN: (n) => set({ n }),
  run: async () => {
    if (get().running) return;
    const n = get().n;
    set({ running: true, error: undefined, progress: { phase: "base", done: 0, total: n } });
    try {
      const onProgress = (phase: "base" | "current", done: number, total: number) =>
        set({ progress: { phase, done, total } });
      const result = await labWorker().benchmarkBaseCurrent({ n }, Comlink.proxy(onProgress));
      set({ result });
    } catch (e) {
      set({ error: e instanceof Error ? e.message : String(e) });
    } finally {
      set({ running: false, progress: undefined });
    }
  },
}));

useClipStore.subscribe((s, prev) => {
  if (s.model !== prev.model) useBenchmarkStore.setState({ result: undefined, error: undefined });
});
