import { useId } from "react";
import { downloadText } from "../charts/download.js";
import { negativeTypeNameLabel } from "../charts/series.js";
import { type CompareRow, compareCsv, typeNames } from "./compareRows.js";

const percent = (x: number | null) =>
  x === null || !Number.isFinite(x) ? "n/a" : `${(100 * x).toFixed(1)}%`;
const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : "–");

/** Finished runs side by side: held-out accuracy per negative type, R@1, speed and memory. */
export function CompareTable({ rows }: { rows: CompareRow[] }) {
  const captionId = useId();
  const types = typeNames(rows);
  if (rows.length === 0)
    return <p className="muted">No finished runs yet: the table fills as runs finish.</p>;
  return (
    <>
      <div className="hn-controls">
        <button
          type="button"
          onClick={() => downloadText(compareCsv(rows), "compare-runs.csv")}
          data-testid="compare-csv"
        >
          Download the table as CSV
        </button>
      </div>
      <div className="table-scroll">
        <table data-testid="compare-table" aria-describedby={captionId}>
          <caption id={captionId} className="muted hn-small" style={{ textAlign: "left" }}>
            Final held-out evaluation of each run (per-type accuracy: caption beats its negative, chance 50%;
            R@1 among 100 candidates). Steps/s and peak tensor memory as the worker reported them while
            training.
          </caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Objective</th>
              <th scope="col">Steps</th>
              {types.map((t) => (
                <th scope="col" key={t}>
                  {negativeTypeNameLabel(t)}
                </th>
              ))}
              <th scope="col">R@1 image→text</th>
              <th scope="col">R@1 text→image</th>
              <th scope="col">Steps/s</th>
              <th scope="col">Peak memory (MiB)</th>
              <th scope="col">Final loss</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="compare-row">
                <td className="hn-num">{r.index}</td>
                <th scope="row" title={r.label}>
                  {r.objective}
                </th>
                <td className="hn-num">{r.steps}</td>
                {types.map((t) => (
                  <td key={t} className="hn-num" data-testid={`compare-acc-${t}`}>
                    {percent(r.perType[t] ?? null)}
                  </td>
                ))}
                <td className="hn-num" data-testid="compare-r1-i2t">
                  {percent(r.r1_i2t)}
                </td>
                <td className="hn-num" data-testid="compare-r1-t2i">
                  {percent(r.r1_t2i)}
                </td>
                <td className="hn-num" data-testid="compare-steps-per-second">
                  {fixed(r.stepsPerSecond, 2)}
                </td>
                <td className="hn-num" data-testid="compare-peak-memory">
                  {fixed(r.peakMiB, 1)}
                </td>
                <td className="hn-num" data-testid="compare-final-loss">
                  {fixed(r.finalLoss, 4)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
