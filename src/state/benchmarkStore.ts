import * as Comlink from "comlink";
import { create } from "zustand";
import type { BenchmarkResult } from "../core/eval/benchmark.js";
import type { ImportedScores } from "../core/eval/importers/types.js";
import type { ImportedBaseCurrent } from "../worker/benchmarkImportApi.js";
import { labWorker } from "../worker/client.js";
import type { BaseCurrentBenchmark } from "../worker/probeApi.js";
import type { UploadRequestFile } from "../worker/uploadApi.js";
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

/* ---------- Imported benchmarks (SugarCrepe, ARO, VALSE, VL-CheckList, Winoground) ---------- */

export const IMPORT_FORMATS = [
  { value: "sugarcrepe", label: "SugarCrepe (one JSON per subset)" },
  { value: "aro-relation", label: "ARO VG-Relation" },
  { value: "aro-attribution", label: "ARO VG-Attribution" },
  { value: "valse", label: "VALSE (one JSON per piece)" },
  { value: "vl-checklist", label: "VL-CheckList" },
  { value: "winoground", label: "Winoground" },
] as const;

/** Scores that count things rather than rate them (shown as numbers, not percentages). */
const COUNT_SCORES = new Set(["n", "macroGroups"]);

export function isRateScore(key: string): boolean {
  return !COUNT_SCORES.has(key);
}

/** The benchmark's own headline scores, base vs current (keys in the current result's order). */
export function importedScoreRows(base: ImportedScores, current: ImportedScores): BenchmarkRow[] {
  return Object.keys(current.scores).map((metric) => ({
    metric,
    base: base.scores[metric] ?? null,
    current: current.scores[metric] ?? null,
  }));
}

export interface SubsetRow extends BenchmarkRow {
  subset: string;
  n: number;
}

/** One row per subset and numeric score (booleans such as ARO's `inMacro` are left out). */
export function importedSubsetRows(base: ImportedScores, current: ImportedScores): SubsetRow[] {
  const rows: SubsetRow[] = [];
  for (const subset of Object.keys(current.perSubset).sort()) {
    const c = current.perSubset[subset];
    const b = base.perSubset[subset];
    for (const [metric, value] of Object.entries(c)) {
      if (metric === "n" || typeof value !== "number") continue;
      const other = b?.[metric];
      rows.push({ subset, n: c.n, metric, current: value, base: typeof other === "number" ? other : null });
    }
  }
  return rows;
}

export interface ImportedProgress {
  phase: "base" | "current";
  done: number;
  total: number;
}

interface ImportedBenchmarkState {
  format: string;
  annotations: UploadRequestFile[];
  images: UploadRequestFile[];
  /** Tests evaluated per model (0: all). */
  limit: number;
  running: boolean;
  progress?: ImportedProgress;
  result?: ImportedBaseCurrent;
  error?: string;
  set(changes: Partial<Pick<ImportedBenchmarkState, "format" | "annotations" | "images" | "limit">>): void;
  run(): Promise<void>;
}

export const useImportedBenchmarkStore = create<ImportedBenchmarkState>((set, get) => ({
  format: "sugarcrepe",
  annotations: [],
  images: [],
  limit: 0,
  running: false,
  set: (changes) => set(changes),
  run: async () => {
    const { running, format, annotations, images, limit } = get();
    if (running) return;
    set({ running: true, error: undefined, progress: { phase: "base", done: 0, total: 1 } });
    try {
      const onProgress = (phase: "base" | "current", done: number, total: number) =>
        set({ progress: { phase, done, total } });
      const result = await labWorker().runImportedBaseCurrent(
        { format, annotations, images, limit: limit > 0 ? limit : undefined },
        Comlink.proxy(onProgress),
      );
      set({ result });
    } catch (e) {
      set({ error: e instanceof Error ? e.message : String(e) });
    } finally {
      set({ running: false, progress: undefined });
    }
  },
}));

useClipStore.subscribe((s, prev) => {
  if (s.model !== prev.model) useImportedBenchmarkStore.setState({ result: undefined, error: undefined });
});
