import { useClipStore } from "../state/clipStore.js";
import { type TrainingForm, useTrainingStore } from "../state/trainingStore.js";

const OBJECTIVES = [
  { value: "clip", label: "CLIP (no negatives)" },
  { value: "negclip", label: "NegCLIP (ITC + hard negatives)" },
  { value: "ceclip", label: "CE-CLIP (ITC + rank + intra-modal)" },
];

const NUMBER_FIELDS: { key: keyof TrainingForm; label: string; step: string; help: string }[] = [
  { key: "steps", label: "Steps", step: "1", help: "Optimizer steps in the run" },
  { key: "batchSize", label: "Batch size", step: "1", help: "Image-caption pairs per step" },
  { key: "lr", label: "Learning rate", step: "any", help: "Peak learning rate (warm-up, then cosine)" },
  { key: "warmupSteps", label: "Warm-up steps", step: "1", help: "Linear warm-up before cosine decay" },
  { key: "evalEvery", label: "Evaluate every", step: "1", help: "Held-out benchmark every n steps (0: off)" },
  {
    key: "checkpointEvery",
    label: "Checkpoint every",
    step: "1",
    help: "Save a checkpoint every n steps (0: off)",
  },
];

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return "–";
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.round(seconds)} s`;
}

export function TrainPanel() {
  const model = useClipStore((s) => s.model);
  const t = useTrainingStore();
  const last = t.history[t.history.length - 1];
  const running = t.status === "running";
  const active = running || t.status === "paused";
  const eta = last ? ((t.totalSteps - t.step) * last.msPerStep) / 1000 : Number.NaN;
  return (
    <section aria-labelledby="train-heading">
      <h2 id="train-heading">Train</h2>
      <div className="grid">
        <label>
          Objective
          <select
            value={t.form.objective}
            disabled={active}
            onChange={(e) => t.setForm({ objective: e.target.value })}
          >
            {OBJECTIVES.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        {NUMBER_FIELDS.map((f) => (
          <label key={f.key} title={f.help}>
            {f.label}
            <input
              type="number"
              step={f.step}
              min={0}
              value={t.form[f.key] as number}
              disabled={active}
              onChange={(e) => t.setForm({ [f.key]: Number(e.target.value) })}
            />
          </label>
        ))}
      </div>
      <div className="row">
        <button type="button" onClick={() => void t.start()} disabled={!model || active}>
          Start
        </button>
        <button type="button" onClick={() => void t.pause()} disabled={!running}>
          Pause
        </button>
        <button type="button" onClick={() => void t.resume()} disabled={t.status !== "paused"}>
          Resume
        </button>
        <button type="button" onClick={() => void t.stepOnce()} disabled={t.status !== "paused"}>
          Step
        </button>
        <button type="button" onClick={() => void t.stop()} disabled={!active}>
          Stop
        </button>
      </div>
      <p data-testid="train-status">
        Status: <strong data-testid="run-status">{t.status}</strong> · step{" "}
        <span data-testid="run-step">{t.step}</span> / {t.totalSteps} · epoch {t.epoch}
        {last && (
          <>
            {" "}
            · {last.msPerStep.toFixed(0)} ms/step · {last.examplesPerSecond.toFixed(1)} examples/s · ETA{" "}
            {formatEta(eta)}
          </>
        )}
      </p>
      <progress max={Math.max(1, t.totalSteps)} value={t.step} aria-label="training progress" />
      {t.message && (
        <p role="status" data-testid="train-message">
          {t.message}
        </p>
      )}
      {t.lastCheckpoint && (
        <p className="muted">
          {t.lastCheckpoint.error ??
            `checkpoint at step ${t.lastCheckpoint.step} (${t.lastCheckpoint.store})`}
        </p>
      )}
      {last && (
        <table data-testid="last-metrics">
          <caption>Step {last.step}</caption>
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
      )}
    </section>
  );
}
