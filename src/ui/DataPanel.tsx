import { useEffect, useId, useState } from "react";
import { progressLabel, useDataStore } from "../state/dataStore.js";
import { DataSourceSelector } from "./data/DataSourceSelector.js";
import { NegativeEditor } from "./data/NegativeEditor.js";
import { PreviewGrid } from "./data/PreviewGrid.js";
import { ProgressBar } from "./data/ProgressBar.js";
import { ShapesWorldSection } from "./data/ShapesWorldSection.js";
import { UploadDropZone } from "./data/UploadDropZone.js";
import { ValidationReport } from "./data/ValidationReport.js";
import "./panels/panels.css";
import "./data/data.css";

/** The uploaded dataset: drop zone, progress, validation report, preview and negative editor. */
function UploadSection() {
  const d = useDataStore();
  const [selected, setSelected] = useState<string>();
  const headingId = useId();
  const dataset = d.dataset ?? undefined;
  const report = d.rejected ?? dataset;
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>Your image-caption pairs</h3>
      <UploadDropZone
        disabled={d.busy}
        onFiles={(files) => void d.upload(files)}
        onError={(error) => useDataStore.setState({ error })}
      />
      <div className="hn-controls">
        <label className="hn-inline">
          <input
            type="checkbox"
            checked={d.generate}
            disabled={d.busy}
            onChange={(e) => d.setNegativeOptions({ generate: e.target.checked })}
          />
          Generate hard negatives where the data has none
        </label>
        <label>
          Generator seed
          <input
            type="number"
            step={1}
            value={d.seed}
            disabled={d.busy || !d.generate}
            onChange={(e) => d.setNegativeOptions({ seed: Math.trunc(Number(e.target.value) || 0) })}
          />
        </label>
      </div>
      {d.progress && (
        <ProgressBar
          label={progressLabel(d.progress)}
          done={d.progress.done}
          total={d.progress.total}
          testId="upload-progress"
        />
      )}
      {d.error && (
        <p role="alert" className="error">
          {d.error}
        </p>
      )}
      {d.rejected && (
        <p role="alert" className="error">
          Nothing usable in “{d.rejected.name}”: no pair passed the checks (see the report), so
          {dataset ? " the stored dataset is kept." : " nothing was stored."}
        </p>
      )}
      {report && <ValidationReport dataset={report} />}
      {dataset && (
        <>
          <h4>
            Stored dataset “{dataset.name}”: <span data-testid="upload-count">{dataset.items.length}</span>{" "}
            pairs, {dataset.negativeTypeNames.length} negative slots
          </h4>
          <p className="muted hn-small">
            Kept in this browser (Origin Private File System) across reloads; images scaled to at most 256 px
            on the shorter side. Slots: {dataset.negativeTypeNames.join(", ") || "none"}.
          </p>
          <PreviewGrid dataset={dataset} selected={selected} onSelect={setSelected} />
          {selected && (
            <NegativeEditor dataset={dataset} itemId={selected} onClose={() => setSelected(undefined)} />
          )}
          <button type="button" className="small" onClick={() => void d.clear()} disabled={d.busy}>
            Delete the stored dataset
          </button>
        </>
      )}
    </section>
  );
}

/** The training data: the source selector, uploads of your own pairs and the built-in world. */
export function DataPanel() {
  const dataset = useDataStore((s) => s.dataset);
  const hydrate = useDataStore((s) => s.hydrate);
  useEffect(() => void hydrate(), [hydrate]);
  return (
    <section aria-labelledby="data-heading" className="panel hn-panel">
      <h2 id="data-heading">Data</h2>
      <DataSourceSelector
        uploadedPairs={dataset === undefined ? undefined : (dataset?.items.length ?? null)}
      />
      <UploadSection />
      <ShapesWorldSection />
    </section>
  );
}
