import { useId, useMemo, useState } from "react";
import { recordAt } from "../../core/data/shapesWorld/dataset.js";
import { NEGATIVE_TYPES } from "../../core/data/shapesWorld/negatives.js";
import { HELDOUT_PAIRS } from "../../core/data/shapesWorld/splits.js";
import type { Split } from "../../core/data/shapesWorld/types.js";
import { useClipStore } from "../../state/clipStore.js";
import { useTrainingStore } from "../../state/trainingStore.js";
import { negativeTypeNameLabel } from "../charts/series.js";

const TYPE_HELP: Record<string, string> = {
  attributeSwap: "two noun phrases swap one attribute (colour first, else size, else texture)",
  objectSwap: "the two noun phrases around the relation swap places",
  attributeReplace: "one phrase's colour is replaced by another colour",
  relationReplace: "the relation is reversed (left ↔ right, above ↔ below)",
};

const PAGE = 8;

/** The built-in shapes world: its splits, hard-negative types and example captions. */
export function ShapesWorldSection() {
  const config = useTrainingStore((s) => s.config);
  const model = useClipStore((s) => s.model);
  const [split, setSplit] = useState<Split>("train");
  const [start, setStart] = useState(0);
  const splitId = useId();
  const headingId = useId();
  const seed = split === "train" ? config.seed : 0;
  const rows = useMemo(() => {
    const out: { index: number; caption: string; negatives: (string | null)[] }[] = [];
    for (let i = start; i < start + PAGE; i++) {
      try {
        const r = recordAt(split, seed, i);
        out.push({
          index: i,
          caption: r.caption,
          negatives: r.negatives.map((n, k) => (r.negativeMask[k] ? n : null)),
        });
      } catch {
        // A record that cannot be generated is skipped (never expected).
      }
    }
    return out;
  }, [split, seed, start]);
  const examples = config.steps * config.batchSize;
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>Built-in shapes world</h3>
      <p>
        Runs train on the built-in <strong>shapes world</strong>: scenes of coloured shapes with one true
        caption and one hard negative per type, rendered at the model's image size
        {model ? ` (${model.imageSize} px)` : ""}. A run of {config.steps.toLocaleString()} steps at batch{" "}
        {config.batchSize} sees {examples.toLocaleString()} distinct training scenes (data seed {config.seed}
        ). Evaluation uses 100 held-out scenes.
      </p>
      <h4>Negative types</h4>
      <dl className="types">
        {NEGATIVE_TYPES.map((name, k) => (
          <div key={name}>
            <dt>
              k = {k}: {negativeTypeNameLabel(name)}
            </dt>
            <dd>{TYPE_HELP[name] ?? ""}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">
        When a type cannot be made for a caption (e.g. a swap with a single object), it is masked: it adds
        nothing to the rank loss and its gap and violation rate skip it.
      </p>
      <h4>Held-out colour-shape pairs</h4>
      <p>
        Never seen in training, not even in negatives:{" "}
        {HELDOUT_PAIRS.map((p) => `${p.colour} ${p.shape}`).join(", ")}.
      </p>
      <h4>Examples</h4>
      <div className="row">
        <label htmlFor={splitId}>Split</label>
        <select id={splitId} value={split} onChange={(e) => setSplit(e.target.value as Split)}>
          <option value="train">train (data seed {config.seed})</option>
          <option value="heldout">held-out</option>
        </select>
        <button
          type="button"
          className="small"
          onClick={() => setStart((s) => Math.max(0, s - PAGE))}
          disabled={start === 0}
        >
          Previous examples
        </button>
        <button type="button" className="small" onClick={() => setStart((s) => s + PAGE)}>
          Next examples
        </button>
        <span className="muted">
          {start}–{start + PAGE - 1}
        </span>
      </div>
      <div className="table-scroll">
        <table data-testid="data-examples">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Caption</th>
              {NEGATIVE_TYPES.map((name) => (
                <th key={name} scope="col">
                  {negativeTypeNameLabel(name)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.index}>
                <td>{r.index}</td>
                <td>{r.caption}</td>
                {r.negatives.map((n, k) => (
                  <td key={NEGATIVE_TYPES[k] ?? k} className={n ? undefined : "muted"}>
                    {n ?? "masked"}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
