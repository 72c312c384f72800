import { create } from "zustand";

/** View settings shared by the charts (kept while panels mount and unmount). */
interface ChartSettings {
  /** EMA smoothing weight beta in [0, 0.99]; 0 = raw. */
  smoothing: number;
  /** Draw the raw values under the smoothed lines. */
  showRaw: boolean;
  setSmoothing(smoothing: number): void;
  setShowRaw(showRaw: boolean): void;
}

export const useChartSettings = create<ChartSettings>((set) => ({
  smoothing: 0.6,
  showRaw: false,
  setSmoothing: (smoothing) => set({ smoothing: Math.min(0.99, Math.max(0, smoothing)) }),
  setShowRaw: (showRaw) => set({ showRaw }),
}));
