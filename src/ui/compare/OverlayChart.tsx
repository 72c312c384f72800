import { useId, useMemo } from "react";
import { ChartFrame } from "../charts/ChartFrame.js";
import { useChartSettings } from "../charts/chartSettings.js";
import { LinePlot, type LineSpec } from "../charts/LinePlot.js";
import { SmoothingControls } from "../charts/LossChart.js";
import { formatNumber, rawKey } from "../charts/series.js";
import { type OverlaySeries, overlayRows } from "./overlay.js";

const percent = (v: number) => `${Math.round(v * 1000) / 10}%`;

interface OverlayChartProps {
  id: string;
  title: string;
  description: string;
  /** The metric selector: values and labels. */
  metrics: { value: string; label: string }[];
  metric: string;
  onMetric(metric: string): void;
  series: OverlaySeries[];
  /** Values are shares in [0, 1]. */
  rate?: boolean;
  /** Smooth with the charts' shared smoothing setting (and show its controls). */
  smooth?: boolean;
  /** Draw a dot at every point (sparse series such as evaluations). */
  dots?: boolean;
}

/** One metric of several runs on one step axis, a line per run (the legend names the runs). */
export function OverlayChart({
  id,
  title,
  description,
  metrics,
  metric,
  onMetric,
  series,
  rate = false,
  smooth = false,
  dots = false,
}: OverlayChartProps) {
  const selectId = useId();
  const settings = useChartSettings();
  const smoothing = smooth ? settings.smoothing : 0;
  const raw = smooth && settings.showRaw;
  const rows = useMemo(() => overlayRows(series, { smoothing, raw }), [series, smoothing, raw]);
  const lines: LineSpec[] = series.flatMap((s) => [
    ...(raw && smoothing > 0
      ? [{ key: rawKey(s.key), label: `${s.label} (raw)`, color: s.color, faint: true }]
      : []),
    { key: s.key, label: s.label, color: s.color },
  ]);
  const legend = series.map((s) => ({ label: s.label, color: s.color }));
  const metricLabel = metrics.find((m) => m.value === metric)?.label ?? metric;
  const csv = () => {
    const full = overlayRows(series, { maxPoints: Number.POSITIVE_INFINITY });
    return {
      header: ["step", ...series.map((s) => s.label)],
      rows: full.map((r) => [r.x, ...series.map((s) => r[s.key] ?? null)]),
    };
  };
  const points = series.reduce((n, s) => n + s.points.length, 0);
  return (
    <ChartFrame
      id={id}
      title={title}
      description={description}
      controls={
        <>
          {smooth && <SmoothingControls />}
          <span className="smoothing">
            <label htmlFor={selectId}>Metric</label>
            <select id={selectId} value={metric} onChange={(e) => onMetric(e.target.value)}>
              {metrics.map((m) => (
                <option key={m.value} value={m.value}>
                  {m.label}
                </option>
              ))}
            </select>
          </span>
        </>
      }
      csv={csv}
      legend={legend}
      empty={points === 0 ? "No runs with these numbers yet." : undefined}
    >
      <LinePlot
        rows={rows}
        lines={lines}
        dots={dots}
        yDomain={rate ? [0, 1] : undefined}
        yFormat={rate ? percent : undefined}
        tooltipValue={(v) => (rate ? percent(v) : formatNumber(v))}
        yLabel={rate ? "accuracy" : "loss"}
        summary={`${metricLabel} of ${series.length} runs`}
      />
    </ChartFrame>
  );
}
