import { useDeferredValue, useMemo } from "react";
import type { StepEvent } from "../../worker/trainingApi.js";
import { ChartFrame } from "./ChartFrame.js";
import { useChartSettings } from "./chartSettings.js";
import { LinePlot, type LineSpec } from "./LinePlot.js";
import {
  buildRows,
  countTypes,
  negativeTypeLabel,
  rawKey,
  type SeriesSpec,
  seriesTable,
  typeColor,
} from "./series.js";

const step = (e: StepEvent) => e.step;
const percent = (v: number) => `${Math.round(v * 1000) / 10}%`;

/** Fraction of valid (i, k) pairs that violate the rank margin, per negative type. */
export function ViolationChart({ history }: { history: StepEvent[] }) {
  const records = useDeferredValue(history);
  const { smoothing, showRaw } = useChartSettings();
  const last = records[records.length - 1];
  const numTypes = last ? countTypes([last.terms], "violationRate") : 0;
  const series: SeriesSpec<StepEvent>[] = useMemo(
    () =>
      Array.from({ length: numTypes }, (_, k) => ({
        key: `violationRate_${k}`,
        label: negativeTypeLabel(k),
        color: typeColor(k),
        value: (e: StepEvent) => e.terms[`violationRate_${k}`],
      })),
    [numTypes],
  );
  const rows = useMemo(
    () => buildRows(records, step, series, { smoothing, raw: showRaw }),
    [records, series, smoothing, showRaw],
  );
  const lines: LineSpec[] = series.flatMap((s) => [
    ...(showRaw && smoothing > 0
      ? [{ key: rawKey(s.key), label: s.label, color: s.color, faint: true }]
      : []),
    { key: s.key, label: s.label, color: s.color },
  ]);
  const empty =
    records.length === 0
      ? "No steps yet: start a run."
      : numTypes === 0
        ? "This objective has no rank loss (choose CE-CLIP)."
        : undefined;
  return (
    <ChartFrame
      id="violations"
      title="Rank violations"
      description={
        <>
          Share of valid pairs with θ<sub>k</sub> + h<sub>ik</sub> − g<sub>i</sub> &gt; 0 per negative type
          (smoothed like the loss chart; batches without a valid negative of a type are skipped).
        </>
      }
      csv={() => seriesTable(history, "step", step, series)}
      legend={series.map((s) => ({ label: s.label, color: s.color }))}
      empty={empty}
    >
      <LinePlot
        rows={rows}
        lines={lines}
        yDomain={[0, 1]}
        yFormat={percent}
        tooltipValue={(v) => percent(v)}
        yLabel="violated"
        summary={`Rank-violation rate of ${numTypes} negative types over ${records.length} steps`}
      />
    </ChartFrame>
  );
}
