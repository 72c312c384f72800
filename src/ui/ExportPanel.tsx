import { type ChangeEvent, useId } from "react";
import { useClipStore } from "../state/clipStore.js";
import { useExportStore } from "../state/exportStore.js";
import { ImportRunResult } from "./export/ImportRunResult.js";
import { RunBundleExport } from "./export/RunBundleExport.js";
import "./panels/panels.css";

/**
 * Download the current model as a Hugging Face folder in a zip, or import such a zip; hand
 * the run to scale/ (PyTorch DDP) as a run bundle and import the finished run back.
 */
export function ExportPanel() {
  const model = useClipStore((s) => s.model);
  const clipBusy = useClipStore((s) => s.busy);
  const x = useExportStore();
  const headingId = useId();
  const onImport = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (file) void x.importZip(file);
  };
  return (
    <section className="hn-panel" aria-labelledby={headingId} data-testid="export-panel">
      <h2 id={headingId}>Export and import</h2>
      <p className="muted">
        The zip is a Hugging Face <code>CLIPModel</code> folder (<code>config.json</code>,{" "}
        <code>model.safetensors</code>, tokenizer files) with a <code>README.md</code> model card (run
        settings and the latest benchmark), <code>metrics.csv</code> (every step) and <code>run.json</code>.
        It loads with <code>CLIPModel.from_pretrained</code> once unzipped.
      </p>
      <div className="hn-controls">
        <button
          type="button"
          onClick={() => void x.exportZip()}
          disabled={!model || Boolean(x.busy)}
          data-testid="export-zip"
        >
          Download model (.zip)
        </button>
        <label>
          Import a model zip
          <input
            type="file"
            accept=".zip,application/zip"
            onChange={onImport}
            disabled={Boolean(x.busy) || Boolean(clipBusy)}
            data-testid="import-zip"
          />
        </label>
      </div>
      <p className="muted hn-small">
        Importing replaces the current model and ends any run. If a model of the same architecture was loaded,
        it stays the base for comparisons; otherwise the imported model is the base too.
      </p>
      <div aria-live="polite">
        {x.busy && <p role="status">{x.busy === "export" ? "Building the zip…" : "Importing the model…"}</p>}
        {x.message && (
          <p role="status" data-testid="export-message">
            {x.message}
          </p>
        )}
      </div>
      {x.error && (
        <p role="alert" className="error" data-testid="export-error">
          {x.error}
        </p>
      )}
      <RunBundleExport />
      <ImportRunResult />
    </section>
  );
}
