import type { BenchmarkRow } from "../../state/benchmarkStore.js";

export const percent = (x: number | null) =>
  x === null || !Number.isFinite(x) ? "n/a" : `${(100 * x).toFixed(1)}%`;

const plain = (x: number | null) => (x === null || !Number.isFinite(x) ? "n/a" : String(x));

export function Delta({ row, rate = true }: { row: BenchmarkRow; rate?: boolean }) {
  if (row.base === null || row.current === null) return <span className="muted">–</span>;
  const d = (rate ? 100 : 1) * (row.current - row.base);
  const sign = d > 0 ? "+" : d < 0 ? "−" : "±";
  return (
    <span className={d > 0 ? "hn-good" : d < 0 ? "hn-bad" : undefined}>
      {sign}
      {rate ? `${Math.abs(d).toFixed(1)} pt` : Math.abs(d)}
    </span>
  );
}

/** Base vs current, one metric a row; `isRate` says which metrics are rates (shown in %). */
export function ComparisonTable({
  rows,
  caption,
  testId,
  isRate = () => true,
  cellPrefix = "benchmark",
}: {
  rows: BenchmarkRow[];
  caption: string;
  testId: string;
  isRate?: (metric: string) => boolean;
  /** Test ids of the value cells: `${cellPrefix}-base`, `${cellPrefix}-current`. */
  cellPrefix?: string;
}) {
  return (
    <table data-testid={testId}>
      <caption className="muted hn-small" style={{ textAlign: "left" }}>
        {caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col">Base</th>
          <th scope="col">Current</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const rate = isRate(r.metric);
          const show = rate ? percent : plain;
          return (
            <tr key={r.metric} data-metric={r.metric}>
              <th scope="row">{r.metric}</th>
              <td className="hn-num" data-testid={`${cellPrefix}-base`} data-value={r.base ?? ""}>
                {show(r.base)}
              </td>
              <td className="hn-num" data-testid={`${cellPrefix}-current`} data-value={r.current ?? ""}>
                {show(r.current)}
              </td>
              <td className="hn-num">
                <Delta row={r} rate={rate} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
