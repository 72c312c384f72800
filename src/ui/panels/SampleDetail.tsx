import { useEffect, useId, useRef } from "react";
import type { SampleEvaluation, SampleRow } from "../../worker/samplesApi.js";
import { Sparkline } from "./Sparkline.js";
import { marginHistory, type ScoredRow } from "./samplesLogic.js";

interface SampleDetailProps {
  scored: ScoredRow;
  /** The full row (all negatives), and every evaluation for the history. */
  row: SampleRow;
  types: string[];
  evaluations: SampleEvaluation[];
  onProbe: () => void;
  onClose: () => void;
}

/** One sample: image, caption, every negative's margin now and across evaluations, and "probe this". */
export function SampleDetail({ scored, row, types, evaluations, onProbe, onClose }: SampleDetailProps) {
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  const history = marginHistory(evaluations, row, scored.i, types);
  const now = new Map(scored.negatives.map((n) => [n.k, n]));
  return (
    <section
      className="hn-detail"
      aria-labelledby={headingId}
      data-testid="sample-detail"
      onKeyDown={(e) => {
        if (e.key === "Escape") onClose();
      }}
    >
      <h3 id={headingId} ref={headingRef} tabIndex={-1}>
        Sample {row.id}
      </h3>
      <div className="hn-detail-top">
        <img className="hn-pixelated" src={row.thumbnail} alt={`Scene ${row.id}`} width={128} height={128} />
        <div>
          <p>
            <span className="hn-role">caption</span>
            <span className="hn-text">{row.caption}</span>
          </p>
          <p className="hn-small muted">
            {row.split === "heldout" ? "held-out" : "training"} scene {row.index} (seed {row.seed});
            sim(positive) {scored.positive.toFixed(4)}
          </p>
          <div className="row">
            <button type="button" onClick={onProbe} data-testid="sample-probe">
              Probe this
            </button>
            <button type="button" onClick={onClose}>
              Close details
            </button>
          </div>
        </div>
      </div>
      <table className="hn-small">
        <caption className="muted" style={{ textAlign: "left" }}>
          Margin s·(sim(positive) − sim(negative)) in logits at each evaluation; dashed: the threshold
        </caption>
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Negative</th>
            <th scope="col">Margin now</th>
            <th scope="col">History</th>
          </tr>
        </thead>
        <tbody>
          {history.map((h) => {
            const current = now.get(h.k);
            const margins = h.points.map((p) => p.margin);
            const lastThreshold = h.points[h.points.length - 1]?.threshold;
            return (
              <tr key={h.k}>
                <th scope="row">{h.type}</th>
                <td className="hn-text">{row.negatives[h.k]}</td>
                <td className="hn-num">
                  {current ? (
                    <span className={current.violated ? "hn-bad" : undefined}>
                      {current.margin.toFixed(2)}
                      {current.violated ? " (violated)" : ""}
                    </span>
                  ) : (
                    "–"
                  )}
                </td>
                <td>
                  <Sparkline
                    values={margins}
                    reference={lastThreshold}
                    label={`Margin of the ${h.type} negative at steps ${h.points.map((p) => p.step).join(", ")}`}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
