import { type ReactNode, useId, useRef, useState } from "react";
import { downloadChartPng, downloadText, type LegendEntry } from "./download.js";
import { toCsv } from "./series.js";

export interface CsvTable {
  header: string[];
  rows: (number | string | null | undefined)[][];
}

interface ChartFrameProps {
  /** Short id: test id `chart-<id>`, file names `<id>.csv` / `<id>.png`. */
  id: string;
  title: string;
  /** One or two sentences under the heading: what to look for. */
  description?: ReactNode;
  /** Extra controls (smoothing, toggles) next to the download buttons. */
  controls?: ReactNode;
  /** Full-resolution data behind the chart (computed on demand). */
  csv: () => CsvTable;
  legend: LegendEntry[];
  /** Shown instead of the chart when there is nothing to draw. */
  empty?: string;
  children: ReactNode;
}

/** A chart's heading, description, controls, CSV and PNG downloads. */
export function ChartFrame({
  id,
  title,
  description,
  controls,
  csv,
  legend,
  empty,
  children,
}: ChartFrameProps) {
  const headingId = useId();
  const plotRef = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string>();
  const onCsv = () => {
    const table = csv();
    downloadText(toCsv(table.header, table.rows), `${id}.csv`);
  };
  const onPng = async () => {
    setError(undefined);
    try {
      if (plotRef.current) await downloadChartPng(plotRef.current, `${id}.png`, title, legend);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section className="chart" aria-labelledby={headingId} data-testid={`chart-${id}`}>
      <div className="chart-head">
        <h3 id={headingId}>{title}</h3>
        <div className="chart-tools">
          {controls}
          <button
            type="button"
            className="small"
            onClick={onCsv}
            disabled={Boolean(empty)}
            aria-label={`Download the ${title.toLowerCase()} data as CSV`}
          >
            CSV
          </button>
          <button
            type="button"
            className="small"
            onClick={() => void onPng()}
            disabled={Boolean(empty)}
            aria-label={`Download the ${title.toLowerCase()} chart as PNG`}
          >
            PNG
          </button>
        </div>
      </div>
      {description && <p className="muted chart-description">{description}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {empty && <p className="chart-empty muted">{empty}</p>}
      {/* Mounted even while empty: a recharts mount costs several times an update, and the
          first steps of a run should not pay it (main thread, 50 ms). */}
      <div ref={plotRef} className="chart-plot">
        {children}
      </div>
    </section>
  );
}
