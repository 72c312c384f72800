import { useDeferredValue, useId, useMemo, useState } from "react";
import { useImportedRunStore } from "../../state/importedRunStore.js";
import { useTrainingStore } from "../../state/trainingStore.js";
import { ChartFrame } from "../charts/ChartFrame.js";
import { LinePlot } from "../charts/LinePlot.js";
import { BROWSER_KEY, IMPORTED_KEY, metricChoices, metricValue, overlayRows } from "./importedSeries.js";
import { runRecordSummary } from "./scaleOut.js";

const IMPORTED_COLOR = "#d55e00";
const BROWSER_COLOR = "#0072b2";

/**
 * "Imported run (scale/)": a metric of the imported finished run beside the same metric of
 * the browser's run (the Train history). Nothing when no run was imported.
 */
export function ImportedRunChart() {
  const run = useImportedRunStore((s) => s.run);
  const history = useDeferredValue(useTrainingStore((s) => s.history));
  const [picked, setPicked] = useState("loss");
  const selectId = useId();
  const choices = useMemo(() => (run ? metricChoices(run.metrics) : []), [run]);
  const metric = choices.includes(picked) ? picked : "loss";
  const rows = useMemo(() => (run ? overlayRows(run.metrics, history, metric) : []), [run, history, metric]);
  if (!run) return null;
  const lines = [
    { key: IMPORTED_KEY, label: `${run.name} (scale/)`, color: IMPORTED_COLOR },
    ...(history.length > 0
      ? [{ key: BROWSER_KEY, label: "this tab's run", color: BROWSER_COLOR, dashed: true }]
      : []),
  ];
  const table = () => ({
    header: ["run", "step", metric],
    rows: [
      ...run.metrics.map((r) => ["scale", r.step, metricValue(r, metric)]),
      ...history.map((r) => ["browser", r.step, metricValue(r, metric)]),
    ],
  });
  return (
    <ChartFrame
      id="imported-run"
      title="Imported run (scale/)"
      description={
        <>
          {runRecordSummary(run.record, run.metrics.length)}
          {run.objective ? `, objective ${run.objective}` : ""}. Dashed: this tab's own run, when there is
          one.
        </>
      }
      controls={
        <label htmlFor={selectId} className="hn-inline">
          Metric{" "}
          <select
            id={selectId}
            value={metric}
            onChange={(e) => setPicked(e.target.value)}
            data-testid="imported-metric"
          >
            {choices.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      }
      csv={table}
      legend={lines.map((l) => ({ label: l.label, color: l.color }))}
      empty={run.metrics.length === 0 ? "The imported run has no metric rows." : undefined}
    >
      <LinePlot
        rows={rows}
        lines={lines}
        yLabel={metric}
        summary={`${metric} of the imported run over ${run.metrics.length} steps`}
      />
    </ChartFrame>
  );
}
