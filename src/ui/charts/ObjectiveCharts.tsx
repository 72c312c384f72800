import { useDeferredValue, useMemo } from "react";
import type { StepEvent } from "../../worker/trainingApi.js";
import { ChartFrame } from "./ChartFrame.js";
import { useChartSettings } from "./chartSettings.js";
import { LinePlot, type LineSpec } from "./LinePlot.js";
import { SmoothingControls } from "./LossChart.js";
import {
  type ResolvedChart,
  resolveObjectiveCharts,
  seriesByUnit,
  type TermUnit,
} from "./objectiveChartRegistry.js";
import { buildRows, formatNumber, rawKey, type SeriesSpec, seriesTable } from "./series.js";

const step = (e: StepEvent) => e.step;
const percent = (v: number) => `${Math.round(v * 1000) / 10}%`;
const COLORS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#8c564b", "#7f7f7f"];

const UNIT_AXIS: Record<TermUnit, string> = {
  loss: "loss",
  distance: "squared distance",
  rate: "share",
  logit: "logit units",
  value: "value",
};

/** One objective-specific chart: one synchronised plot per unit (losses, shares, logits...). */
export function TermChart({ chart, history }: { chart: ResolvedChart; history: StepEvent[] }) {
  const records = useDeferredValue(history);
  const { smoothing, showRaw } = useChartSettings();
  const specs: SeriesSpec<StepEvent>[] = useMemo(
    () =>
      chart.series.map((s, i) => ({
        key: s.key,
        label: s.label,
        color: COLORS[i % COLORS.length],
        value: (e: StepEvent) => e.terms[s.key],
      })),
    [chart],
  );
  const groups = useMemo(() => seriesByUnit(chart.series), [chart]);
  const rows = useMemo(
    () =>
      groups.map((g) =>
        buildRows(
          records,
          step,
          specs.filter((s) => g.series.some((t) => t.key === s.key)),
          { smoothing, raw: showRaw },
        ),
      ),
    [groups, specs, records, smoothing, showRaw],
  );
  const empty =
    records.length === 0
      ? "No steps yet: start a run."
      : chart.series.length === 0
        ? "This run logged none of these terms."
        : undefined;
  return (
    <ChartFrame
      id={chart.id}
      title={chart.title}
      description={chart.description}
      controls={<SmoothingControls />}
      csv={() => seriesTable(history, "step", step, specs)}
      legend={specs.map((s) => ({ label: s.label, color: s.color }))}
      empty={empty}
    >
      {groups.map((g, i) => {
        const lines: LineSpec[] = specs
          .filter((s) => g.series.some((t) => t.key === s.key))
          .flatMap((s) => [
            ...(showRaw && smoothing > 0
              ? [{ key: rawKey(s.key), label: `${s.label} (raw)`, color: s.color, faint: true }]
              : []),
            { key: s.key, label: s.label, color: s.color },
          ]);
        const rate = g.unit === "rate";
        return (
          <LinePlot
            key={g.unit}
            rows={rows[i]}
            lines={lines}
            height={groups.length > 1 ? 170 : 240}
            syncId={`objective-${chart.id}`}
            yLabel={UNIT_AXIS[g.unit]}
            yDomain={rate ? [0, 1] : undefined}
            yFormat={rate ? percent : undefined}
            tooltipValue={(v) => (rate ? percent(v) : formatNumber(v))}
            summary={`${chart.title}, ${UNIT_AXIS[g.unit]}: ${g.series.map((s) => s.label).join(", ")} over ${records.length} steps`}
          />
        );
      })}
    </ChartFrame>
  );
}

/**
 * The charts of the objective's own terms (./objectiveChartRegistry.ts registry) and "Other terms"
 * for any logged term no chart draws; nothing when neither applies.
 */
export function ObjectiveCharts({ history, objective }: { history: StepEvent[]; objective?: string }) {
  const last = history[history.length - 1];
  // The terms only change with the objective: key the charts on the latest record's term names.
  const termKey = last ? Object.keys(last.terms).join(",") : "";
  const charts = useMemo(
    () => resolveObjectiveCharts(objective, termKey ? termKey.split(",") : []),
    [objective, termKey],
  );
  return (
    <>
      {charts.map((chart) => (
        <TermChart key={chart.id} chart={chart} history={history} />
      ))}
    </>
  );
}
