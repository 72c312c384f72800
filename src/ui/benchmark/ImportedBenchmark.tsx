import { useId } from "react";
import { formatIssue } from "../../core/data/uploads/issues.js";
import {
  IMPORT_FORMATS,
  importedScoreRows,
  importedSubsetRows,
  isRateScore,
  useImportedBenchmarkStore,
} from "../../state/benchmarkStore.js";
import { useClipStore } from "../../state/clipStore.js";
import { filesFromInput } from "../data/collectFiles.js";
import { ProgressBar } from "../data/ProgressBar.js";
import { ComparisonTable, Delta, percent } from "./ComparisonTable.js";
import "../data/data.css";

const FOLDER_PICKER = { webkitdirectory: "", directory: "" } as Record<string, string>;
const ISSUES_SHOWN = 50;

/** Per-subset scores, base vs current, with the subset's number of tests. */
function SubsetTable({ rows }: { rows: ReturnType<typeof importedSubsetRows> }) {
  return (
    <table data-testid="imported-subsets">
      <caption className="muted hn-small" style={{ textAlign: "left" }}>
        Per subset
      </caption>
      <thead>
        <tr>
          <th scope="col">Subset</th>
          <th scope="col">n</th>
          <th scope="col">Score</th>
          <th scope="col">Base</th>
          <th scope="col">Current</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.subset}/${r.metric}`}>
            <th scope="row">{r.subset}</th>
            <td className="hn-num">{r.n}</td>
            <td>{r.metric}</td>
            <td className="hn-num">{percent(r.base)}</td>
            <td className="hn-num">{percent(r.current)}</td>
            <td className="hn-num">
              <Delta row={r} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A published benchmark loaded from its files (annotation JSON + images folder or zip), run
 * on the base and the current model and scored its own way.
 */
export function ImportedBenchmark() {
  const model = useClipStore((s) => s.model);
  const b = useImportedBenchmarkStore();
  const headingId = useId();
  const result = b.result;
  const ready = Boolean(model) && b.annotations.length > 0 && b.images.length > 0 && !b.running;
  return (
    <section aria-labelledby={headingId} data-testid="imported-benchmark">
      <h3 id={headingId}>Imported benchmark</h3>
      <p className="muted">
        SugarCrepe, ARO, VALSE, VL-CheckList or Winoground from their published annotation files and images,
        scored each benchmark's own way (a tie counts as wrong).
      </p>
      <div className="hn-controls">
        <label>
          Format
          <select
            value={b.format}
            disabled={b.running}
            data-testid="imported-format"
            onChange={(e) => b.set({ format: e.target.value })}
          >
            {IMPORT_FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Annotation file(s)
          <input
            type="file"
            multiple
            accept=".json,.jsonl"
            disabled={b.running}
            data-testid="imported-annotations"
            onChange={(e) => b.set({ annotations: filesFromInput(e.currentTarget.files ?? []) })}
          />
        </label>
        <label>
          Images folder
          <input
            type="file"
            multiple
            {...FOLDER_PICKER}
            disabled={b.running}
            data-testid="imported-images-folder"
            onChange={(e) => b.set({ images: filesFromInput(e.currentTarget.files ?? []) })}
          />
        </label>
        <label>
          or images zip / files
          <input
            type="file"
            multiple
            accept=".zip,image/*"
            disabled={b.running}
            data-testid="imported-images"
            onChange={(e) => b.set({ images: filesFromInput(e.currentTarget.files ?? []) })}
          />
        </label>
        <label>
          Tests per model (0: all)
          <input
            type="number"
            min={0}
            step={1}
            value={b.limit}
            disabled={b.running}
            onChange={(e) => b.set({ limit: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
          />
        </label>
        <button type="button" onClick={() => void b.run()} disabled={!ready} data-testid="imported-run">
          Run imported benchmark
        </button>
      </div>
      <p className="muted hn-small">
        {b.annotations.length} annotation file(s), {b.images.length} image file(s) chosen.
      </p>
      {b.progress && (
        <ProgressBar
          label={`${b.progress.phase} model: ${b.progress.done} / ${b.progress.total} images`}
          done={b.progress.done}
          total={b.progress.total}
          testId="imported-progress"
        />
      )}
      {b.error && (
        <p role="alert" className="error">
          {b.error}
        </p>
      )}
      {result && (
        <>
          <p className="hn-small" data-testid="imported-summary">
            {result.format}: n = {result.current.n} tests from {result.files.join(", ")}; current model at
            step {result.step}
            {result.current.skipped > 0 &&
              `; ${result.current.skipped} skipped (missing or unreadable image)`}
            {result.current.excluded > 0 && `; ${result.current.excluded} excluded by the benchmark's rule`}
          </p>
          <ComparisonTable
            rows={importedScoreRows(result.base, result.current)}
            caption={`${result.format} scores`}
            testId="imported-scores"
            isRate={isRateScore}
            cellPrefix="imported"
          />
          <SubsetTable rows={importedSubsetRows(result.base, result.current)} />
          {result.current.issues.length > 0 && (
            <details>
              <summary>{result.current.issues.length} problems in the files</summary>
              <ul className="hn-issues">
                {result.current.issues.slice(0, ISSUES_SHOWN).map((issue, k) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list
                  <li key={k}>{formatIssue(issue)}</li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </section>
  );
}
