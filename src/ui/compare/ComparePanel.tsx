import { useEffect, useId, useMemo, useState } from "react";
import { baseObjectives } from "../../core/losses/registry.js";
import { useClipStore } from "../../state/clipStore.js";
import { BASE_MODEL_RUN, isFinished, queueProgress } from "../../state/compareQueue.js";
import { hydrateCompareStore, useCompareStore } from "../../state/compareStore.js";
import { OBJECTIVE_CHOICES } from "../../state/runConfig.js";
import { negativeTypeNameLabel } from "../charts/series.js";
import { formatEta } from "../format.js";
import { CompareSettingsForm } from "./CompareSettingsForm.js";
import { CompareTable } from "./CompareTable.js";
import { compareRows, objectiveLabel } from "./compareRows.js";
import { OverlayChart } from "./OverlayChart.js";
import {
  heldoutMetrics,
  heldoutPoints,
  lossMetrics,
  lossPoints,
  type OverlaySeries,
  runColor,
  runKey,
} from "./overlay.js";
import { QueueList } from "./QueueList.js";
import "../panels/panels.css";

/** A run's legend entry: its place in the queue and its objective. */
const runLabel = (index: number, objectiveName: string) => `${index + 1}. ${objectiveName}`;

const HELDOUT_LABELS: Record<string, string> = { r1_i2t: "R@1 image→text", r1_t2i: "R@1 text→image" };

/** Queue objectives on the same data, seed and steps; overlay their curves; compare their numbers. */
export function ComparePanel() {
  const c = useCompareStore();
  const model = useClipStore((s) => s.model);
  const headingId = useId();
  const objectiveId = useId();
  const [objective, setObjective] = useState(OBJECTIVE_CHOICES[0]?.value ?? "clip");
  const [lossMetric, setLossMetric] = useState("loss");
  const [heldoutMetric, setHeldoutMetric] = useState("");
  useEffect(() => {
    void hydrateCompareStore();
  }, []);

  const progress = queueProgress(c.runs);
  const rows = useMemo(() => compareRows(c.runs), [c.runs]);
  const trained = useMemo(() => c.runs.filter((r) => r.objective !== BASE_MODEL_RUN), [c.runs]);
  const lossSeries: OverlaySeries[] = useMemo(
    () =>
      c.runs.flatMap((r, i) =>
        r.objective === BASE_MODEL_RUN
          ? []
          : [
              {
                key: runKey(r),
                label: runLabel(i, r.objective),
                color: runColor(i),
                points: lossPoints(r, lossMetric),
              },
            ],
      ),
    [c.runs, lossMetric],
  );
  const heldoutNames = useMemo(() => heldoutMetrics(c.runs), [c.runs]);
  const shownHeldout = heldoutNames.includes(heldoutMetric) ? heldoutMetric : heldoutNames[0];
  const heldoutSeries: OverlaySeries[] = useMemo(
    () =>
      c.runs.map((r, i) => ({
        key: runKey(r),
        label: runLabel(i, r.objective),
        color: runColor(i),
        points: heldoutPoints(r, shownHeldout),
      })),
    [c.runs, shownHeldout],
  );
  const queued = c.runs.filter((r) => r.status === "queued").length;
  const percent = Math.round(progress.fraction * 100);

  return (
    <section className="hn-panel" aria-labelledby={headingId} data-testid="compare-panel">
      <h2 id={headingId}>Compare objectives</h2>
      <p className="muted">
        Each queued run starts from the base model (as loaded), trains on the built-in world's train split
        with the shared settings below (the rest of the run configuration comes from the sidebar; each
        objective with its own options), then is evaluated on held-out scenes. Starting the queue stops any
        run of the Train tab; afterwards the model holds the last run's weights (Probe and Export see them).
      </p>
      <CompareSettingsForm settings={c.settings} onChange={c.setSettings} disabled={c.active} />
      <fieldset>
        <legend>Queue</legend>
        <div className="hn-controls">
          <label htmlFor={objectiveId}>
            Objective
            <select id={objectiveId} value={objective} onChange={(e) => setObjective(e.target.value)}>
              <option value={BASE_MODEL_RUN}>{objectiveLabel(BASE_MODEL_RUN)}</option>
              {OBJECTIVE_CHOICES.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => c.enqueue([objective])} data-testid="compare-add">
            Add to queue
          </button>
          <button
            type="button"
            onClick={() => c.enqueue(baseObjectives.map((o) => o.name))}
            title={`Queue ${baseObjectives.map((o) => o.name).join(", ")}`}
          >
            Add every base objective
          </button>
        </div>
        <div className="hn-controls">
          <button
            type="button"
            className="primary"
            onClick={() => void c.start()}
            disabled={c.active || !model || queued === 0}
            title={model ? "Run the queued runs one after another" : "Load a model first"}
            data-testid="compare-start"
          >
            Start queue
          </button>
          <button type="button" onClick={() => void c.stop()} disabled={!c.active} data-testid="compare-stop">
            Stop
          </button>
          <button type="button" onClick={c.clearFinished} disabled={!c.runs.some(isFinished)}>
            Clear finished
          </button>
        </div>
        <progress
          max={100}
          value={percent}
          aria-label="queue progress"
          aria-valuetext={`${percent}%, ${progress.doneSteps} of ${progress.totalSteps} steps`}
          data-testid="compare-progress"
        />
        <p className="hn-small" data-testid="compare-progress-text">
          {progress.doneSteps.toLocaleString()} / {progress.totalSteps.toLocaleString()} steps ({percent}%)
          {c.active && <> · ETA {formatEta(progress.etaSeconds)} (training; evaluations add to it)</>}
        </p>
        {/* Announced on change: start, stop and the end of the queue, not every step. */}
        <p role="status" className="hn-small" data-testid="compare-status">
          {c.stopping
            ? "Stopping after the current run's training…"
            : (c.message ?? (c.active ? "The queue is running." : ""))}
        </p>
        <QueueList runs={c.runs} onRemove={c.remove} />
      </fieldset>
      <div className="charts">
        <OverlayChart
          id="compare-loss"
          title="Loss by run"
          description="The chosen loss term of every run against the step (smoothed like the Train charts)."
          metrics={lossMetrics(trained).map((m) => ({ value: m, label: m === "loss" ? "total loss" : m }))}
          metric={lossMetric}
          onMetric={setLossMetric}
          series={lossSeries}
          smooth
        />
        <OverlayChart
          id="compare-heldout"
          title="Held-out accuracy by run"
          description="The chosen held-out metric at each evaluation of every run; the last point is the final evaluation."
          metrics={heldoutNames.map((m) => ({
            value: m,
            label: HELDOUT_LABELS[m] ?? negativeTypeNameLabel(m),
          }))}
          metric={shownHeldout}
          onMetric={setHeldoutMetric}
          series={heldoutSeries}
          rate
          dots
        />
      </div>
      <h3>Comparison</h3>
      <CompareTable rows={rows} />
    </section>
  );
}
