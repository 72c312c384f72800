import type { ReactNode } from "react";
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { type ChartRow, formatAxis, formatNumber } from "./series.js";

export interface LineSpec {
  key: string;
  label: string;
  color: string;
  dashed?: boolean;
  /** Drawn thin and pale, left out of legend and tooltip (raw values under a smoothed line). */
  faint?: boolean;
}

interface LinePlotProps {
  rows: ChartRow[];
  lines: LineSpec[];
  height?: number;
  yLabel?: string;
  yDomain?: [number | "auto" | "dataMin" | "dataMax", number | "auto" | "dataMin" | "dataMax"];
  yScale?: "linear" | "log";
  yFormat?: (v: number) => string;
  /** Tooltip text of one value (default: the number). */
  tooltipValue?: (value: number, key: string, row: ChartRow) => ReactNode;
  syncId?: string;
  legend?: boolean;
  /** Draw a dot at every point (sparse series such as evaluations). */
  dots?: boolean;
  /** Horizontal reference lines (e.g. an upper bound). */
  references?: { y: number; label: string }[];
  /** Accessible summary of the plot. */
  summary: string;
}

/** A step-indexed line chart of already downsampled rows (null values are gaps, skipped). */
export function LinePlot({
  rows,
  lines,
  height = 240,
  yLabel,
  yDomain = ["auto", "auto"],
  yScale = "linear",
  yFormat = formatAxis,
  tooltipValue,
  syncId,
  legend = true,
  dots = false,
  references = [],
  summary,
}: LinePlotProps) {
  return (
    <figure className="line-plot" aria-label={summary} style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} syncId={syncId} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid stroke="#e4e7ef" strokeDasharray="3 3" />
          <XAxis
            dataKey="x"
            type="number"
            domain={["dataMin", "dataMax"]}
            // Every nice tick, unmeasured: recharts' default thinning measures each label in the
            // DOM (forced layouts), a large part of an update's main-thread time.
            interval={0}
            tickFormatter={(v: number) => formatAxis(v)}
            label={{ value: "step", position: "insideBottomRight", offset: -2, fontSize: 11 }}
            fontSize={11}
          />
          <YAxis
            scale={yScale}
            domain={yDomain}
            allowDataOverflow={yScale === "log"}
            interval={0}
            tickFormatter={(v: number) => yFormat(v)}
            width={56}
            fontSize={11}
            label={
              yLabel
                ? { value: yLabel, angle: -90, position: "insideLeft", fontSize: 11, offset: 4 }
                : undefined
            }
          />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(label) => `step ${label}`}
            itemSorter={(item) => lines.findIndex((l) => l.key === item.dataKey)}
            formatter={(value, _name, item) => {
              const v = typeof value === "number" ? value : Number(value);
              const key = String(item.dataKey);
              return tooltipValue ? tooltipValue(v, key, item.payload as ChartRow) : formatNumber(v);
            }}
          />
          {legend && <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />}
          {references.map((r) => (
            <ReferenceLine
              key={r.label}
              y={r.y}
              stroke="#8a93a6"
              strokeDasharray="2 4"
              label={{ value: r.label, position: "insideTopRight", fontSize: 11, fill: "#5b6475" }}
            />
          ))}
          {lines.map((l) => (
            <Line
              key={l.key}
              dataKey={l.key}
              name={l.label}
              stroke={l.color}
              strokeWidth={l.faint ? 1 : 1.75}
              strokeOpacity={l.faint ? 0.3 : 1}
              strokeDasharray={l.dashed ? "5 3" : undefined}
              dot={dots && !l.faint ? { r: 2.5 } : false}
              activeDot={l.faint ? false : { r: 3 }}
              connectNulls
              isAnimationActive={false}
              legendType={l.faint ? "none" : l.dashed ? "plainline" : "line"}
              tooltipType={l.faint ? "none" : undefined}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
