import type { CompareRun } from "../../state/compareQueue.js";
import { objectiveLabel } from "./compareRows.js";
import { runColor } from "./overlay.js";

const STATUS_TEXT: Record<CompareRun["status"], string> = {
  queued: "queued",
  running: "training",
  evaluating: "evaluating",
  done: "done",
  failed: "failed",
  cancelled: "cancelled",
};

/** The queue in order: each run's objective, settings, status and steps; queued and finished runs can be removed. */
export function QueueList({ runs, onRemove }: { runs: CompareRun[]; onRemove(id: string): void }) {
  if (runs.length === 0) return <p className="muted">The queue is empty: add objectives above.</p>;
  return (
    <ol className="hn-small" data-testid="compare-queue">
      {runs.map((r, i) => {
        const busy = r.status === "running" || r.status === "evaluating";
        const { steps, batchSize, seed } = r.settings;
        return (
          <li key={r.id} data-testid="compare-run">
            <span aria-hidden="true" style={{ color: runColor(i) }}>
              ■{" "}
            </span>
            <strong title={r.objective}>{objectiveLabel(r.objective)}</strong>{" "}
            <span className="muted">
              ({steps} steps, batch {batchSize}, seed {seed})
            </span>{" "}
            · <span data-testid="compare-run-status">{STATUS_TEXT[r.status]}</span>
            {r.status === "running" && (
              <>
                {" "}
                {r.stepsDone} / {steps}
              </>
            )}
            {r.message && r.status !== "done" && (
              <span className={r.status === "failed" ? "error" : "muted"}> · {r.message}</span>
            )}{" "}
            {!busy && (
              <button
                type="button"
                className="small"
                onClick={() => onRemove(r.id)}
                aria-label={`Remove run ${i + 1} (${r.objective}) from the list`}
              >
                Remove
              </button>
            )}
          </li>
        );
      })}
    </ol>
  );
}
