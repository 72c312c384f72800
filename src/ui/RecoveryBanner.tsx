import { useClipStore } from "../state/clipStore.js";
import { useRecoveryStore } from "../state/recoveryStore.js";
import { useTrainingStore } from "../state/trainingStore.js";

/**
 * What went wrong under a run and what the app did: a lost GPU or a crashed worker (and the
 * restart), an interrupted run to resume, skipped non-finite steps, a full disk.
 */
export function RecoveryBanner() {
  const r = useRecoveryStore();
  const modelReady = useClipStore((s) => Boolean(s.model) && !s.busy);
  const idle = useTrainingStore((s) => s.status !== "running" && !s.preparing);
  return (
    <>
      {r.notice && (
        <p
          role={r.notice.kind === "recovered" ? "status" : "alert"}
          className={r.notice.kind === "recovered" ? "warn" : "error"}
          data-testid="recovery-notice"
          data-kind={r.notice.kind}
        >
          {r.notice.text}{" "}
          {!r.recovering && (
            <button type="button" className="small" onClick={r.dismiss}>
              Dismiss
            </button>
          )}
        </p>
      )}
      {r.offer && (
        <p role="status" className="warn" data-testid="resume-offer">
          A run ({r.offer.objective}) was interrupted at step {r.offer.step} of {r.offer.totalSteps}; its
          checkpoint is saved in this browser.{" "}
          <button
            type="button"
            className="small"
            onClick={() => void r.resume()}
            disabled={!modelReady || !idle || r.recovering}
            title={modelReady ? "Continue the run on the loaded model" : "Wait for the model to load"}
          >
            Resume from step {r.offer.step}
          </button>{" "}
          <button type="button" className="small" onClick={() => void r.discard()} disabled={r.recovering}>
            Discard
          </button>
        </p>
      )}
      {r.checkpointError && (
        <p role="alert" className="error" data-testid="checkpoint-error">
          {r.checkpointError}. Free some browser storage (Export, then clear old runs or cached models);
          checkpoints start again by themselves at the next checkpoint step.
        </p>
      )}
      {r.skipped.count > 0 && (
        <p className="warn" data-testid="skipped-steps">
          Skipped steps (non-finite loss or gradient, weights left unchanged):{" "}
          <strong data-testid="skipped-count">{r.skipped.count}</strong> (step {r.skipped.steps.join(", ")})
        </p>
      )}
    </>
  );
}
