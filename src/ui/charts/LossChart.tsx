import { useDeferredValue, useId, useMemo } from "react";
import type { StepEvent } from "../../worker/trainingApi.js";
import { ChartFrame } from "./ChartFrame.js";
import { useChartSettings } from "./chartSettings.js";
import { LinePlot, type LineSpec } from "./LinePlot.js";
import { isLossChartTerm } from "./objectiveChartRegistry.js";
import { buildRows, rawKey, type SeriesSpec, seriesTable } from "./series.js";

/** The named terms of CE-CLIP (and ITC of NegCLIP/CLIP), in this order and these colours. */
const KNOWN_TERMS: SeriesSpec<StepEvent>[] = [
  { key: "itc", label: "ITC (image-text contrastive)", color: "#0072b2", value: (e) => e.terms.itc },
  { key: "cmr", label: "rank (CMR)", color: "#d55e00", value: (e) => e.terms.cmr },
  { key: "imc", label: "intra-modal (IMC)", color: "#009e73", value: (e) => e.terms.imc },
];
const TOTAL: SeriesSpec<StepEvent> = { key: "loss", label: "total", color: "#1d2330", value: (e) => e.loss };
const OTHER_COLORS = ["#cc79a7", "#e69f00", "#56b4e9", "#8c564b", "#7f7f7f"];

/**
 * The loss chart's series for a set of term names: the total, CE-CLIP's three terms, then
 * any other objective's loss terms (per-type diagnostics `name_k`, the I2t/T2i halves and
 * non-loss terms such as accuracies and gaps are left out: see ./objectiveChartRegistry.ts).
 */
export function lossSeries(termNames: string[]): SeriesSpec<StepEvent>[] {
  const known = KNOWN_TERMS.filter((s) => termNames.includes(s.key));
  const others = termNames
    .filter((n) => !KNOWN_TERMS.some((s) => s.key === n) && isLossChartTerm(n))
    .map((name, i) => ({
      key: name,
      label: name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase(),
      color: OTHER_COLORS[i % OTHER_COLORS.length],
      value: (e: StepEvent) => e.terms[name],
    }));
  return [TOTAL, ...known, ...others];
}

const step = (e: StepEvent) => e.step;

/** Smoothing slider and raw toggle (shared with the other smoothed charts). */
export function SmoothingControls() {
  const { smoothing, showRaw, setSmoothing, setShowRaw } = useChartSettings();
  const sliderId = useId();
  return (
    <span className="smoothing">
      <label htmlFor={sliderId} title="Exponential moving average weight (debiased, as TensorBoard); 0 = raw">
        Smoothing
      </label>
      <input
        id={sliderId}
        type="range"
        min={0}
        max={0.99}
        step={0.01}
        value={smoothing}
        onChange={(e) => setSmoothing(Number(e.target.value))}
        aria-valuetext={smoothing === 0 ? "off" : smoothing.toFixed(2)}
      />
      <output htmlFor={sliderId}>{smoothing.toFixed(2)}</output>
      <label title="Draw the unsmoothed values under the smoothed lines">
        <input type="checkbox" checked={showRaw} onChange={(e) => setShowRaw(e.target.checked)} /> raw
      </label>
    </span>
  );
}

/** Total loss and its unweighted terms: ITC, rank (CMR) and intra-modal (IMC) for CE-CLIP. */
export function LossChart({ history }: { history: StepEvent[] }) {
  const records = useDeferredValue(history);
  const { smoothing, showRaw } = useChartSettings();
  const last = records[records.length - 1];
  // The terms only change with the objective: key the series on the latest record's term names.
  const termNames = last ? Object.keys(last.terms).join(",") : "";
  const series = useMemo(() => lossSeries(termNames.split(",")), [termNames]);
  const rows = useMemo(
    () => buildRows(records, step, series, { smoothing, raw: showRaw }),
    [records, series, smoothing, showRaw],
  );
  const lines: LineSpec[] = series.flatMap((s) => [
    ...(showRaw && smoothing > 0
      ? [{ key: rawKey(s.key), label: `${s.label} (raw)`, color: s.color, faint: true }]
      : []),
    { key: s.key, label: s.label, color: s.color },
  ]);
  return (
    <ChartFrame
      id="loss"
      title="Loss terms"
      description="Total loss and the unweighted terms it sums (CE-CLIP: ITC + w_cmr · rank + w_imc · intra-modal)."
      controls={<SmoothingControls />}
      csv={() => seriesTable(history, "step", step, series)}
      legend={series.map((s) => ({ label: s.label, color: s.color }))}
      empty={records.length === 0 ? "No steps yet: start a run." : undefined}
    >
      <LinePlot rows={rows} lines={lines} yLabel="loss" summary={`Loss terms over ${records.length} steps`} />
    </ChartFrame>
  );
}
