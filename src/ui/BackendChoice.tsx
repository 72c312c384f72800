import { BACKEND_NAMES, useBackendStore } from "../state/backendStore.js";
import { useTrainingStore } from "../state/trainingStore.js";
import { type BackendMeasurement, fastestBackend, isSelectable } from "../worker/backendChoice.js";

function formatMs(ms: number): string {
  return ms >= 10_000
    ? `${(ms / 1000).toFixed(0)} s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${Math.round(ms)} ms`;
}

/** The ms/step cell: a number, or why there is none. */
function stepText(m: BackendMeasurement | undefined): string {
  if (!m) return "–";
  switch (m.status) {
    case "measured":
      return `${formatMs(m.msPerStep as number)}/step`;
    case "too-slow":
      return `too slow (over ${formatMs(m.boundMs as number)})`;
    case "measuring":
      return "measuring…";
    case "pending":
      return "–";
    default:
      return m.status;
  }
}

/**
 * Which backend trains: the ms per training step measured on each, the automatic choice
 * (fastest) and the user's override.
 */
export function BackendChoice() {
  const { override, measurements, measuredFor, measuringBatch, choice, error, setOverride, remeasure } =
    useBackendStore();
  const runActive = useTrainingStore((s) => s.status === "running" || s.status === "paused" || s.preparing);
  const byName = new Map(measurements.map((m) => [m.backend, m]));
  const fastest = fastestBackend(measurements);
  const batch = measuringBatch ?? measuredFor?.batchSize;
  return (
    <div className="backend-choice">
      <h3 id="backend-choice-heading">Backend</h3>
      <div className="row">
        <label htmlFor="backend-override">Training backend</label>
        <select
          id="backend-override"
          data-testid="backend-override"
          value={override}
          disabled={Boolean(runActive)}
          title={
            runActive ? "Stop the run to change the backend" : "Automatic trains on the fastest measured"
          }
          aria-describedby="backend-choice-reason"
          onChange={(e) => void setOverride(e.target.value as typeof override)}
        >
          <option value="auto">Automatic: fastest measured{fastest ? ` (${fastest})` : ""}</option>
          {BACKEND_NAMES.map((name) => {
            const m = byName.get(name);
            const usable = !m || m.status === "pending" || m.status === "measuring" || isSelectable(m);
            return (
              <option key={name} value={name} disabled={!usable}>
                {name} · {stepText(m)}
              </option>
            );
          })}
        </select>
        <button
          type="button"
          className="small"
          onClick={() => void remeasure()}
          disabled={Boolean(runActive) || measuringBatch !== undefined}
        >
          Measure again
        </button>
      </div>
      <p id="backend-choice-reason" data-testid="backend-choice" aria-live="polite">
        {measuringBatch !== undefined
          ? `Timing one training step on each backend at batch ${measuringBatch}…`
          : choice
            ? `Trains on ${choice.backend}: ${choice.reason}.`
            : "Load a model to measure the backends."}
      </p>
      {error && (
        <p className="warn" role="alert">
          {error}
        </p>
      )}
      {measurements.length > 0 && (
        <table data-testid="backend-measurements" className="backend-table">
          <caption className="muted">
            One CE-CLIP training step of this model{batch ? ` at batch ${batch}` : ""}, each backend in a
            worker of its own
          </caption>
          <thead>
            <tr>
              <th scope="col">Backend</th>
              <th scope="col">Step</th>
              <th scope="col">First step</th>
              <th scope="col">Notes</th>
            </tr>
          </thead>
          <tbody>
            {measurements.map((m) => (
              <tr key={m.backend} data-testid={`backend-row-${m.backend}`} data-status={m.status}>
                <th scope="row">
                  {m.backend}
                  {m.backend === fastest && <span className="muted"> (fastest)</span>}
                </th>
                <td data-testid={`backend-ms-${m.backend}`}>{stepText(m)}</td>
                <td>{m.firstStepMs !== undefined ? formatMs(m.firstStepMs) : "–"}</td>
                <td className="muted">
                  {[m.detail, m.software ? "CPU-emulated GPU" : undefined, m.reason]
                    .filter(Boolean)
                    .join(" · ")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
