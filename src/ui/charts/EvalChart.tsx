import { useMemo } from "react";
import type { EvalRecord } from "../../state/trainingStore.js";
import { ChartFrame } from "./ChartFrame.js";
import { LinePlot, type LineSpec } from "./LinePlot.js";
import { buildRows, negativeTypeNameLabel, type SeriesSpec, seriesTable, typeColor } from "./series.js";

const step = (e: EvalRecord) => e.step;
const percent = (v: number) => `${Math.round(v * 1000) / 10}%`;

/** Held-out accuracy per negative type (caption beats negative) and retrieval R@1. */
export function EvalChart({ evals }: { evals: EvalRecord[] }) {
  const typeNames = useMemo(() => {
    const names: string[] = [];
    for (const e of evals)
      for (const name of Object.keys(e.result.perType)) if (!names.includes(name)) names.push(name);
    return names;
  }, [evals]);
  const series: SeriesSpec<EvalRecord>[] = useMemo(
    () => [
      ...typeNames.map((name, k) => ({
        key: `acc_${name}`,
        label: negativeTypeNameLabel(name),
        color: typeColor(k),
        value: (e: EvalRecord) => e.result.perType[name] ?? Number.NaN,
      })),
      { key: "r1_i2t", label: "R@1 image→text", color: "#1d2330", value: (e: EvalRecord) => e.result.r1_i2t },
      { key: "r1_t2i", label: "R@1 text→image", color: "#7a8194", value: (e: EvalRecord) => e.result.r1_t2i },
    ],
    [typeNames],
  );
  const rows = useMemo(() => buildRows(evals, step, series), [evals, series]);
  const lines: LineSpec[] = series.map((s) => ({
    key: s.key,
    label: s.label,
    color: s.color,
    dashed: s.key.startsWith("r1_"),
  }));
  return (
    <ChartFrame
      id="eval"
      title="Held-out accuracy"
      description="Per negative type: share of held-out images whose caption scores above its type-k negative. R@1: retrieval among the held-out pairs."
      csv={() => seriesTable(evals, "step", step, series)}
      legend={lines}
      empty={evals.length === 0 ? "No evaluations yet (set “Evaluate every” above 0)." : undefined}
    >
      <LinePlot
        rows={rows}
        lines={lines}
        dots
        yDomain={[0, 1]}
        yFormat={percent}
        tooltipValue={(v) => percent(v)}
        yLabel="accuracy"
        summary={`Held-out accuracy at ${evals.length} evaluations`}
      />
    </ChartFrame>
  );
}
