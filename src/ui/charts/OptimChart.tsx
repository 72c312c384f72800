import { useDeferredValue, useMemo } from "react";
import type { StepEvent } from "../../worker/trainingApi.js";
import { ChartFrame } from "./ChartFrame.js";
import { LinePlot } from "./LinePlot.js";
import { buildRows, type SeriesSpec, seriesTable } from "./series.js";

const step = (e: StepEvent) => e.step;

const OPTIM_SERIES: SeriesSpec<StepEvent>[] = [
  { key: "lr", label: "learning rate", color: "#0072b2", value: (e) => e.lr },
  { key: "logitScale", label: "logit scale", color: "#d55e00", value: (e) => e.logitScale },
  { key: "gradNorm", label: "gradient norm", color: "#009e73", value: (e) => e.gradNorm },
];

/** Learning rate, logit scale and gradient norm, each on its own axis (synchronised). */
export function OptimChart({ history }: { history: StepEvent[] }) {
  const records = useDeferredValue(history);
  const rows = useMemo(() => OPTIM_SERIES.map((s) => buildRows(records, step, [s])), [records]);
  return (
    <ChartFrame
      id="optim"
      title="Optimisation"
      description="Learning rate (warm-up, then cosine), CLIP's logit scale s and the global gradient norm before clipping."
      csv={() => seriesTable(history, "step", step, OPTIM_SERIES)}
      legend={OPTIM_SERIES.map((s) => ({ label: s.label, color: s.color }))}
      empty={records.length === 0 ? "No steps yet: start a run." : undefined}
    >
      {OPTIM_SERIES.map((s, i) => (
        <LinePlot
          key={s.key}
          rows={rows[i]}
          lines={[{ key: s.key, label: s.label, color: s.color }]}
          height={150}
          syncId="optim"
          summary={`${s.label} over ${records.length} steps`}
        />
      ))}
    </ChartFrame>
  );
}
