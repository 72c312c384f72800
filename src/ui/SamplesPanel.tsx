import { useVirtualizer } from "@tanstack/react-virtual";
import { useId, useMemo, useRef } from "react";
import { useClipStore } from "../state/clipStore.js";
import { useProbeStore } from "../state/probeStore.js";
import { shownEvaluation, useSamplesStore } from "../state/samplesStore.js";
import { SampleDetail } from "./panels/SampleDetail.js";
import { type SampleSort, type ScoredRow, scoreRows, selectRows } from "./panels/samplesLogic.js";
import "./panels/panels.css";

const SORTS: { value: SampleSort; label: string }[] = [
  { value: "hardest", label: "Hardest first (smallest margin)" },
  { value: "easiest", label: "Easiest first (largest margin)" },
  { value: "index", label: "Table order" },
];

function NegativeLines({ row }: { row: ScoredRow }) {
  if (row.negatives.length === 0) return <span className="muted hn-small">no negatives</span>;
  return (
    <ul className="hn-neg-list">
      {row.negatives.map((n) => (
        <li key={n.k} data-testid="sample-negative">
          <span className="hn-type">{n.type}</span>
          <span className="hn-text">{n.text}</span>
          <span className="hn-num" title="cosine similarity of the image with this negative">
            {n.sim.toFixed(3)}
          </span>
          <span className="hn-num" title="margin in logits: s·(sim(positive) − sim(negative))">
            {n.margin.toFixed(2)}
          </span>
          <span
            className={`hn-num ${n.violated ? "hn-bad" : "hn-good"}`}
            title={`threshold ${n.threshold.toFixed(2)}; hinge max(0, threshold − margin)`}
          >
            {n.violated ? (
              <>
                <span aria-hidden="true">✗ </span>
                <span className="hn-visually-hidden">violated, hinge </span>
                {n.hinge.toFixed(2)}
              </>
            ) : (
              <>
                <span aria-hidden="true">✓</span>
                <span className="hn-visually-hidden">not violated</span>
              </>
            )}
          </span>
        </li>
      ))}
    </ul>
  );
}

export interface SamplesPanelProps {
  /** Called after "Probe this" loaded a sample into the probe (e.g. to switch to its tab). */
  onOpenProbe?: () => void;
}

/**
 * Held-out (and some training) samples scored by the current model: margins per negative,
 * violations of CE-CLIP's thresholds, sort and filter, history per sample across evaluations.
 */
export function SamplesPanel({ onOpenProbe }: SamplesPanelProps = {}) {
  const model = useClipStore((s) => s.model);
  const s = useSamplesStore();
  const headingId = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const evaluation = shownEvaluation(s);
  const table = s.table;

  const scoredAll = useMemo(
    () => (table && evaluation ? scoreRows(table.rows, table.types, evaluation) : []),
    [table, evaluation],
  );
  const shown = useMemo(() => selectRows(scoredAll, s.filter), [scoredAll, s.filter]);
  const violatedPairs = useMemo(
    () => scoredAll.reduce((n, r) => n + r.negatives.filter((x) => x.violated).length, 0),
    [scoredAll],
  );
  const totalPairs = useMemo(() => scoredAll.reduce((n, r) => n + r.negatives.length, 0), [scoredAll]);

  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => 20 + 22 * Math.max(1, shown[i]?.negatives.length ?? 1),
    overscan: 6,
    getItemKey: (i) => shown[i]?.row.id ?? i,
  });

  const open = s.openRow !== undefined ? scoredAll[s.openRow] : undefined;
  const probeThis = (r: ScoredRow) => {
    const row = r.row;
    useProbeStore.getState().load({
      source: { kind: "shapes", split: row.split, seed: row.seed, index: row.index },
      caption: row.caption,
      negatives: row.negatives.filter((_, k) => row.mask[k] === 1),
      label: `${row.split === "heldout" ? "held-out" : "training"} sample ${row.id}`,
    });
    onOpenProbe?.();
  };

  const thresholdText = evaluation
    ? evaluation.thetas
      ? `violated: margin < θ_k of the last CE-CLIP step (${evaluation.thetas.map((t) => t.toFixed(2)).join(", ")})`
      : "violated: margin < 0 (no CE-CLIP thresholds yet)"
    : "";

  return (
    <section className="hn-panel" aria-labelledby={headingId} data-testid="samples-panel">
      <h2 id={headingId}>Samples</h2>
      <p className="muted">
        Each scene's caption against its typed negatives, scored by the current model. Margin =
        s·(sim(positive) − sim(negative)) in logits; a pair is violated when its margin is below the
        threshold, and the hinge is the shortfall.
      </p>
      <div className="hn-controls">
        <label>
          Held-out samples
          <input
            type="number"
            min={0}
            max={5000}
            step={1}
            value={s.heldoutN}
            onChange={(e) => s.setSizes({ heldoutN: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
          />
        </label>
        <label>
          Training samples
          <input
            type="number"
            min={0}
            max={5000}
            step={1}
            value={s.trainN}
            onChange={(e) => s.setSizes({ trainN: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
          />
        </label>
        <button
          type="button"
          onClick={() => void s.scoreNow()}
          disabled={!model || Boolean(s.busy)}
          data-testid="samples-score"
        >
          Score samples now
        </button>
        {s.evaluations.length > 0 && (
          <label>
            Evaluation
            <select
              value={evaluation?.step ?? ""}
              onChange={(e) => s.selectStep(Number(e.target.value))}
              data-testid="samples-step"
            >
              {s.evaluations.map((e) => (
                <option key={e.step} value={e.step}>
                  step {e.step}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {!model && <p className="muted">Load a model first.</p>}
      <div aria-live="polite">
        {s.busy && (
          <p role="status">
            {s.busy}
            {s.progress && ` ${s.progress.done} / ${s.progress.total}`}
          </p>
        )}
      </div>
      {s.progress && (
        <progress max={Math.max(1, s.progress.total)} value={s.progress.done} aria-label="scoring progress" />
      )}
      {s.error && (
        <p role="alert" className="error">
          {s.error}
        </p>
      )}
      {table && evaluation && (
        <>
          <div className="hn-controls">
            <label>
              Negative type
              <select value={s.filter.type} onChange={(e) => s.setFilter({ type: e.target.value })}>
                <option value="all">All types</option>
                {table.types.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Split
              <select
                value={s.filter.split ?? "all"}
                onChange={(e) => s.setFilter({ split: e.target.value as "all" | "heldout" | "train" })}
              >
                <option value="all">Held-out and training</option>
                <option value="heldout">Held-out only</option>
                <option value="train">Training only</option>
              </select>
            </label>
            <label>
              Sort
              <select
                value={s.filter.sort}
                onChange={(e) => s.setFilter({ sort: e.target.value as SampleSort })}
              >
                {SORTS.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="hn-inline">
              <input
                type="checkbox"
                checked={s.filter.violatedOnly}
                onChange={(e) => s.setFilter({ violatedOnly: e.target.checked })}
              />
              Violated only
            </label>
          </div>
          <p className="hn-small" data-testid="samples-summary">
            Step {evaluation.step}: {shown.length} of {table.rows.length} samples shown; {violatedPairs} of{" "}
            {totalPairs} pairs violated. <span className="muted">{thresholdText}</span>
          </p>
          <div className="hn-samples-scroll" ref={scrollRef}>
            <table
              className="hn-samples-table"
              aria-label={`Samples at step ${evaluation.step}`}
              aria-rowcount={shown.length + 1}
              data-testid="samples-table"
            >
              <thead className="hn-samples-thead">
                <tr className="hn-samples-head" aria-rowindex={1}>
                  <th scope="col">Image</th>
                  <th scope="col">Caption</th>
                  <th scope="col" className="hn-num">
                    sim(pos)
                  </th>
                  <th scope="col">Negatives: type, text, sim, margin, violated (hinge)</th>
                </tr>
              </thead>
              <tbody className="hn-samples-tbody" style={{ height: virtualizer.getTotalSize() }}>
                {virtualizer.getVirtualItems().map((item) => {
                  const r = shown[item.index];
                  return (
                    <tr
                      key={item.key}
                      aria-rowindex={item.index + 2}
                      data-index={item.index}
                      ref={virtualizer.measureElement}
                      className={`hn-sample-row${s.openRow === r.i ? " hn-open" : ""}`}
                      data-testid="sample-row"
                      style={{ transform: `translateY(${item.start}px)` }}
                    >
                      <td>
                        <img className="hn-pixelated" src={r.row.thumbnail} alt="" width={64} height={64} />
                      </td>
                      <td className="hn-text hn-small">
                        <span>{r.row.caption}</span>
                        <br />
                        <button
                          type="button"
                          className="hn-small"
                          onClick={() => s.openDetail(r.i)}
                          aria-label={`Details of sample ${r.row.id}`}
                          aria-expanded={s.openRow === r.i}
                        >
                          Details
                        </button>{" "}
                        <span className="muted">{r.row.split === "heldout" ? "held-out" : "train"}</span>
                      </td>
                      <td className="hn-num hn-small">{r.positive.toFixed(3)}</td>
                      <td>
                        <NegativeLines row={r} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {open && (
            <SampleDetail
              key={open.row.id}
              scored={open}
              row={open.row}
              types={table.types}
              evaluations={s.evaluations}
              onProbe={() => probeThis(open)}
              onClose={() => s.openDetail(undefined)}
            />
          )}
        </>
      )}
      {table && !evaluation && !s.busy && <p className="muted">Not scored yet.</p>}
    </section>
  );
}
