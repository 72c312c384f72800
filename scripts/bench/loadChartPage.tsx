/**
 * Browser entry of the chart case of the "load" section (bundled by esbuild in
 * loadBrowser.ts, run in Chromium): the app's LossChart with N synthetic CE-CLIP steps.
 * `window.loadChartBench(n, repeats)` times (a) the downsampling alone (buildRows: EMA +
 * LTTB to MAX_POINTS rows, as LossChart does) and (b) a full mount of LossChart, from
 * root.render until its recharts curves are in the DOM.
 */
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import { useChartSettings } from "../../src/ui/charts/chartSettings.js";
import { LossChart, lossSeries } from "../../src/ui/charts/LossChart.js";
import { buildRows } from "../../src/ui/charts/series.js";
import type { StepEvent } from "../../src/worker/trainingApi.js";

function syntheticSteps(n: number): StepEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const decay = 3 * Math.exp(-i / 20_000);
    const noise = (k: number) => 0.1 * Math.sin(i * 0.37 + k) * Math.cos(i * 0.011 * k);
    const terms = { itc: decay + noise(1), cmr: 0.5 * decay + noise(2), imc: 0.3 * decay + noise(3) };
    return {
      step: i + 1,
      epoch: 0,
      lr: 1e-4,
      loss: terms.itc + terms.cmr + terms.imc,
      terms,
      gradNorm: 1,
      logitScale: 14.3,
      applied: true,
      msPerStep: 50,
      examplesPerSecond: 160,
      numTensors: 0,
      numBytes: 0,
    };
  });
}

function curvesDrawn(container: HTMLElement): boolean {
  return Array.from(container.querySelectorAll("path.recharts-curve")).some((p) =>
    /^M[\d.,-]+L/.test(p.getAttribute("d") ?? ""),
  );
}

/** Resolves when the chart's curves are in the DOM (the ResponsiveContainer measures first). */
function waitForCurves(container: HTMLElement): Promise<void> {
  return new Promise((resolve) => {
    if (curvesDrawn(container)) return resolve();
    const observer = new MutationObserver(() => {
      if (curvesDrawn(container)) {
        observer.disconnect();
        resolve();
      }
    });
    observer.observe(container, { childList: true, subtree: true, attributes: true });
  });
}

async function loadChartBench(n: number, repeats: number) {
  const steps = syntheticSteps(n);
  const { smoothing, showRaw } = useChartSettings.getState();
  const series = lossSeries(Object.keys(steps[0].terms));
  const downsampleMs: number[] = [];
  const renderMs: number[] = [];
  const syncRenderMs: number[] = [];
  let rows = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    rows = buildRows(steps, (e) => e.step, series, { smoothing, raw: showRaw }).length;
    downsampleMs.push(performance.now() - t0);
    const container = document.createElement("div");
    container.style.width = "900px";
    document.body.append(container);
    const root = createRoot(container);
    const t1 = performance.now();
    flushSync(() => root.render(<LossChart history={steps} />));
    syncRenderMs.push(performance.now() - t1);
    await waitForCurves(container);
    renderMs.push(performance.now() - t1);
    root.unmount();
    container.remove();
  }
  return { points: n, rows, smoothing, downsampleMs, syncRenderMs, renderMs };
}

(window as unknown as { loadChartBench: typeof loadChartBench }).loadChartBench = loadChartBench;
document.body.dataset.ready = "true";
