import { useId } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { BENCHMARK_SIZES, perTypeRows, retrievalRows, useBenchmarkStore } from "../state/benchmarkStore.js";
import { useClipStore } from "../state/clipStore.js";
import { ComparisonTable, percent } from "./benchmark/ComparisonTable.js";
import { ImportedBenchmark } from "./benchmark/ImportedBenchmark.js";
import "./panels/panels.css";

/** The shapes held-out benchmark for the base and the current model: per-type accuracy and retrieval. */
export function BenchmarkPanel() {
  const model = useClipStore((s) => s.model);
  const b = useBenchmarkStore();
  const headingId = useId();
  const result = b.result;
  const typeRows = result ? perTypeRows(result.base, result.current) : [];
  const chartData = typeRows.map((r) => ({
    type: r.metric,
    base: r.base === null ? null : 100 * r.base,
    current: r.current === null ? null : 100 * r.current,
  }));
  return (
    <section className="hn-panel" aria-labelledby={headingId} data-testid="benchmark-panel">
      <h2 id={headingId}>Benchmark: base vs current</h2>
      <p className="muted">
        Held-out scenes use colour–shape pairs never seen in training. Per-type accuracy: share of images
        whose caption scores above its negative of that type (chance 50%). Retrieval: the true caption (or
        image) among up to 100 candidates.
      </p>
      <div className="hn-controls">
        <label>
          Held-out scenes
          <select value={b.n} onChange={(e) => b.setN(Number(e.target.value))} disabled={b.running}>
            {BENCHMARK_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          onClick={() => void b.run()}
          disabled={!model || b.running}
          data-testid="benchmark-run"
        >
          Run benchmark
        </button>
      </div>
      {!model && <p className="muted">Load a model first.</p>}
      {b.progress && (
        <div role="status" data-testid="benchmark-progress">
          <progress
            max={Math.max(1, b.progress.total)}
            value={b.progress.done}
            aria-label={`benchmark progress, ${b.progress.phase} model`}
          />
          <span className="hn-small">
            {b.progress.phase} model: {b.progress.done} / {b.progress.total} scenes
          </span>
        </div>
      )}
      {b.error && (
        <p role="alert" className="error">
          {b.error}
        </p>
      )}
      {result && (
        <>
          <p className="hn-small" data-testid="benchmark-summary">
            n = {result.n} held-out scenes (seed {result.seed}), current model at step {result.step}
            {result.baseCached && <span className="muted"> · base numbers reused from an earlier run</span>}
          </p>
          <ComparisonTable rows={typeRows} caption="Accuracy per negative type" testId="benchmark-table" />
          <figure style={{ margin: "1rem 0" }}>
            <div style={{ width: "100%", height: 260 }}>
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={chartData} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="type" tick={{ fontSize: 12 }} />
                  <YAxis domain={[0, 100]} unit="%" tick={{ fontSize: 12 }} />
                  <Tooltip formatter={(v) => (typeof v === "number" ? `${v.toFixed(1)}%` : String(v))} />
                  <Legend />
                  <Bar dataKey="base" name="base" fill="#8a93a8" isAnimationActive={false} />
                  <Bar dataKey="current" name="current" fill="#3b6ef5" isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </div>
            <figcaption className="muted hn-small">
              Accuracy per negative type, base (grey) and current (blue); the table above has the same
              numbers.
            </figcaption>
          </figure>
          <ComparisonTable
            rows={retrievalRows(result.base, result.current)}
            caption={`Retrieval among ${result.current.candidates} candidates (chance R@1 ${percent(1 / result.current.candidates)})`}
            testId="benchmark-retrieval"
          />
        </>
      )}
      <ImportedBenchmark />
    </section>
  );
}
