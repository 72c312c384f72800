import { type ChangeEvent, useEffect, useId } from "react";
import { useClipStore } from "../state/clipStore.js";
import { type ProbeImageMode, probeRows, splitLines, useProbeStore } from "../state/probeStore.js";
import { ProbabilityBar } from "./panels/ProbabilityBar.js";
import "./panels/panels.css";

const MODES: { value: ProbeImageMode; label: string }[] = [
  { value: "heldout", label: "Held-out scene by index" },
  { value: "scene", label: "Fresh scene by seed" },
  { value: "upload", label: "Upload an image" },
];

const signed = (x: number, digits = 3) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(digits)}`;

/**
 * Probe: one image, a caption and any negatives; cosine similarity and softmax probability of
 * each text under the base model (as loaded) and the current (training) model, side by side.
 */
export function ProbePanel() {
  const model = useClipStore((s) => s.model);
  const p = useProbeStore();
  const headingId = useId();
  const modeName = useId();

  // A first image as soon as a model is there.
  useEffect(() => {
    if (model && !useProbeStore.getState().source && !useProbeStore.getState().busy)
      void useProbeStore.getState().pickHeldout(0);
  }, [model]);

  const texts = p.caption.trim() ? [p.caption.trim(), ...splitLines(p.negatives)] : [];
  const stale = p.result && p.resultTexts && p.resultTexts.join("\n") !== texts.join("\n");
  const rows = p.result ? probeRows(p.result) : [];
  const onUpload = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) p.pickUpload(file);
  };
  const disabled = !model || Boolean(p.busy);

  return (
    <section className="hn-panel" aria-labelledby={headingId} data-testid="probe-panel">
      <h2 id={headingId}>Probe: base vs current</h2>
      <p className="muted">
        How the model as loaded (base) and the model being trained (current) score one image against a caption
        and its negatives. Probabilities are a softmax over the texts below, with each model's logit scale.
      </p>
      <fieldset>
        <legend>Image</legend>
        <div className="hn-controls" role="radiogroup" aria-label="Image source">
          {MODES.map((m) => (
            <label key={m.value} className="hn-inline">
              <input
                type="radio"
                name={modeName}
                value={m.value}
                checked={p.mode === m.value}
                onChange={() => p.setMode(m.value)}
              />
              {m.label}
            </label>
          ))}
          {p.mode === "sample" && <span className="muted">(from the Samples panel)</span>}
        </div>
        <div className="hn-controls">
          {p.mode === "heldout" && (
            <>
              <label>
                Held-out index
                <input
                  type="number"
                  min={0}
                  step={1}
                  value={p.heldoutIndex}
                  onChange={(e) =>
                    useProbeStore.setState({
                      heldoutIndex: Math.max(0, Math.floor(Number(e.target.value) || 0)),
                    })
                  }
                />
              </label>
              <button type="button" onClick={() => void p.pickHeldout(p.heldoutIndex)} disabled={disabled}>
                Show held-out scene
              </button>
            </>
          )}
          {p.mode === "scene" && (
            <>
              <label>
                Scene seed
                <input
                  type="number"
                  step={1}
                  value={p.sceneSeed}
                  onChange={(e) =>
                    useProbeStore.setState({ sceneSeed: Math.floor(Number(e.target.value) || 0) })
                  }
                />
              </label>
              <button type="button" onClick={() => void p.pickScene(p.sceneSeed)} disabled={disabled}>
                Show scene
              </button>
              <button
                type="button"
                onClick={() => void p.pickScene(Math.floor(Math.random() * 1_000_000))}
                disabled={disabled}
              >
                Random scene
              </button>
            </>
          )}
          {p.mode === "upload" && (
            <label>
              Image file
              <input type="file" accept="image/*" onChange={onUpload} disabled={!model} />
            </label>
          )}
        </div>
        {p.previewUrl && (
          <figure style={{ margin: 0 }}>
            <img
              className="hn-pixelated"
              src={p.previewUrl}
              alt={`Probe image: ${p.imageLabel ?? "selected image"}`}
              width={128}
              height={128}
              style={{ objectFit: "contain" }}
              data-testid="probe-image"
            />
            <figcaption className="muted hn-small">{p.imageLabel}</figcaption>
          </figure>
        )}
      </fieldset>

      <label className="block">
        Caption
        <input
          type="text"
          className="hn-caption-input"
          value={p.caption}
          onChange={(e) => p.setCaption(e.target.value)}
          data-testid="probe-caption"
        />
      </label>
      <label className="block">
        Negatives, one per line
        <textarea
          value={p.negatives}
          onChange={(e) => p.setNegatives(e.target.value)}
          rows={4}
          data-testid="probe-negatives"
        />
      </label>
      <div className="row">
        <button type="button" onClick={() => void p.suggestNegatives()} disabled={disabled}>
          Suggest negatives
        </button>
        <button
          type="button"
          onClick={() => void p.run()}
          disabled={disabled || texts.length === 0 || !p.source}
          data-testid="probe-run"
        >
          Compare base and current
        </button>
      </div>
      {!model && <p className="muted">Load a model first.</p>}
      <div aria-live="polite">
        {p.busy && <p role="status">{p.busy}</p>}
        {p.notice && <p className="muted">{p.notice}</p>}
      </div>
      {p.error && (
        <p role="alert" className="error">
          {p.error}
        </p>
      )}
      {p.result && (
        <table data-testid="probe-table">
          <caption className="muted hn-small" style={{ textAlign: "left" }}>
            Logit scale: base {p.result.base.logitScale.toFixed(2)}, current{" "}
            {p.result.current.logitScale.toFixed(2)}
            {stale && " · the texts changed since this comparison: compare again"}
          </caption>
          <thead>
            <tr>
              <th scope="col">Text</th>
              <th scope="col">Base cosine</th>
              <th scope="col">Base probability</th>
              <th scope="col">Current cosine</th>
              <th scope="col">Current probability</th>
              <th scope="col">Change in cosine</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, j) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional (caption, negative 1, ...)
              <tr key={j} data-testid="probe-row">
                <th scope="row" className="hn-text" style={{ fontWeight: r.role === "caption" ? 600 : 400 }}>
                  <span className="hn-role">{r.role === "caption" ? "caption" : `negative ${j}`}</span>
                  {r.text}
                </th>
                <td className="hn-num" data-testid="probe-base-sim">
                  {r.base.cosine.toFixed(4)}
                </td>
                <td className="hn-num">
                  <ProbabilityBar value={r.base.probability} />
                  {(r.base.probability * 100).toFixed(1)}%
                </td>
                <td className="hn-num" data-testid="probe-current-sim">
                  {r.current.cosine.toFixed(4)}
                </td>
                <td className="hn-num">
                  <ProbabilityBar value={r.current.probability} current />
                  {(r.current.probability * 100).toFixed(1)}%
                </td>
                <td className="hn-num">{signed(r.current.cosine - r.base.cosine, 4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
