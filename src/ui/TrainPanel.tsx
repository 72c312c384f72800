import { memo } from "react";
import { useClipStore } from "../state/clipStore.js";
import { useTrainingStore } from "../state/trainingStore.js";
import { BackendChoice } from "./BackendChoice.js";
import { EvalChart, LossChart, OptimChart, ThresholdChart, ViolationChart } from "./charts/index.js";
import { formatEta } from "./format.js";
import { Later, STAGGER_MS, useStaggered } from "./stagger.js";

/** Backend and GPU adapter of the worker, as one line (the header badge has the test ids). */
function DeviceLine() {
  const backend = useClipStore((s) => s.backend);
  if (!backend) return <span>backend starting…</span>;
  const a = backend.adapter;
  const adapter = a ? [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(" ") : "";
  return (
    <span data-testid="train-device">
      on <strong>{backend.backend}</strong>
      {backend.detail && <> ({backend.detail})</>}
      {adapter && <> · GPU: {adapter}</>}
      {a?.isSoftware && <span className="warn"> (software-emulated)</span>}
    </span>
  );
}

// Memoised: a chart re-renders only when its own (staggered) data changed.
const Loss = memo(LossChart);
const Thresholds = memo(ThresholdChart);
const Violations = memo(ViolationChart);
const Evals = memo(EvalChart);
const Optim = memo(OptimChart);

/**
 * The five charts. They mount, and re-render when the history or the evaluations change
 * (the store flushes steps once a second), one chart per task: a recharts update costs tens
 * of milliseconds, five at once blocked the page for hundreds.
 */
const TrainCharts = memo(function TrainCharts() {
  const history = useTrainingStore((s) => s.history);
  const evals = useTrainingStore((s) => s.evals);
  const upperBound = useTrainingStore((s) => {
    const c = s.runConfig ?? s.config;
    const bound = c.objective === "ceclip" ? c.objectiveOptions.upperBound : undefined;
    return typeof bound === "number" ? bound : undefined;
  });
  const lossHistory = useStaggered(history, 0);
  const thresholdHistory = useStaggered(history, STAGGER_MS);
  const violationHistory = useStaggered(history, 2 * STAGGER_MS);
  const shownEvals = useStaggered(evals, 3 * STAGGER_MS);
  const optimHistory = useStaggered(history, 4 * STAGGER_MS);
  return (
    <div className="charts">
      <Loss history={lossHistory} />
      <Later delayMs={STAGGER_MS}>
        <Thresholds history={thresholdHistory} upperBound={upperBound} />
      </Later>
      <Later delayMs={2 * STAGGER_MS}>
        <Violations history={violationHistory} />
      </Later>
      <Later delayMs={3 * STAGGER_MS}>
        <Evals evals={shownEvals} />
      </Later>
      <Later delayMs={4 * STAGGER_MS}>
        <Optim history={optimHistory} />
      </Later>
    </div>
  );
});

export function TrainPanel() {
  const model = useClipStore((s) => s.model);
  const t = useTrainingStore();
  const last = t.history[t.history.length - 1];
  const running = t.status === "running";
  const paused = t.status === "paused";
  const active = running || paused;
  const eta = last ? ((t.totalSteps - t.step) * last.msPerStep) / 1000 : Number.NaN;
  return (
    <section aria-labelledby="train-heading" className="panel">
      <h2 id="train-heading">Train</h2>
      <div className="row controls">
        <button
          type="button"
          className="primary"
          onClick={() => void t.start()}
          disabled={!model || active || t.preparing}
          aria-busy={t.preparing}
          title={model ? "Start a new run with the run configuration" : "Load a model first"}
        >
          Start
        </button>
        <button type="button" onClick={() => void t.pause()} disabled={!running}>
          Pause
        </button>
        <button type="button" onClick={() => void t.resume()} disabled={!paused}>
          Resume
        </button>
        <button
          type="button"
          onClick={() => void t.stepOnce()}
          disabled={!paused}
          title="Run one step and pause again"
        >
          Step
        </button>
        <button type="button" onClick={() => void t.stop()} disabled={!active}>
          Stop
        </button>
        <span className="muted">
          {model ? (
            <>
              {model.name} <DeviceLine />
            </>
          ) : (
            "no model loaded"
          )}
        </span>
      </div>
      <BackendChoice />
      <p data-testid="train-status">
        Status: <strong data-testid="run-status">{t.status}</strong> · step{" "}
        <span data-testid="run-step">{t.step}</span> / {t.totalSteps} · epoch {t.epoch}
        {last && (
          <>
            {" "}
            · {last.msPerStep.toFixed(0)} ms/step · {last.examplesPerSecond.toFixed(1)} examples/s
            {active && <> · ETA {formatEta(eta)}</>}
          </>
        )}
      </p>
      <progress max={Math.max(1, t.totalSteps)} value={t.step} aria-label="training progress" />
      {t.message && (
        <p role="status" data-testid="train-message">
          {t.message}
        </p>
      )}
      {t.restored && t.status === "idle" && (
        <p className="muted" data-testid="restored-note">
          Showing {t.history.length.toLocaleString()} steps saved from the last session (
          {new Date(t.restored.savedAt).toLocaleString()}). Start replaces them.{" "}
          <button type="button" className="small" onClick={t.clearHistory}>
            Clear
          </button>
        </p>
      )}
      {t.lastCheckpoint && (
        <p className="muted">
          {t.lastCheckpoint.error ??
            `checkpoint at step ${t.lastCheckpoint.step} (${t.lastCheckpoint.store})`}
        </p>
      )}
      {t.warnings.length > 0 && (
        <details className="warnings">
          <summary className="warn">{t.warnings.length} warnings</summary>
          <ul>
            {t.warnings.map((w, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a rolling list of plain messages
              <li key={i}>{w}</li>
            ))}
          </ul>
        </details>
      )}
      <TrainCharts />
      {last && (
        <details className="last-metrics">
          <summary>Numbers of step {last.step}</summary>
          <table data-testid="last-metrics">
            <tbody>
              {[
                ["loss", last.loss],
                ...Object.entries(last.terms),
                ["grad norm", last.gradNorm],
                ["logit scale", last.logitScale],
                ["learning rate", last.lr],
                ["tensors", last.numTensors],
              ].map(([name, value]) => (
                <tr key={String(name)}>
                  <th scope="row">{String(name)}</th>
                  <td data-testid={`metric-${name}`}>{Number(value).toPrecision(5)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}
