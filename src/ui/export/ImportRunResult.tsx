import { type ChangeEvent, useId } from "react";
import { useClipStore } from "../../state/clipStore.js";
import { useImportedRunStore } from "../../state/importedRunStore.js";
import { ImportedRunChart } from "./ImportedRunChart.js";
import { resultFileName } from "./scaleOut.js";

/** Lets a file input pick a folder (not in React's typings). */
const FOLDER_PICKER = { webkitdirectory: "", directory: "" } as Record<string, string>;

/** "Import a finished run": a scale/ `train --out` folder or its zip, model and curves. */
export function ImportRunResult() {
  const clipBusy = useClipStore((s) => s.busy);
  const r = useImportedRunStore();
  const headingId = useId();
  const disabled = r.busy || Boolean(clipBusy);
  const onZip = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (file) void r.importZip(file);
  };
  const onFolder = (e: ChangeEvent<HTMLInputElement>) => {
    const picked = [...(e.target.files ?? [])];
    e.target.value = "";
    if (picked.length === 0) return;
    const folder = (picked[0].webkitRelativePath || picked[0].name).split("/")[0];
    const files = picked.flatMap((file) => {
      const name = resultFileName(file.webkitRelativePath || file.name);
      return name ? [{ name, file }] : [];
    });
    void r.importFolder(folder, files);
  };
  return (
    <section aria-labelledby={headingId} data-testid="run-import">
      <h3 id={headingId}>Import a finished run (scale/)</h3>
      <p className="muted">
        The <code>--out</code> folder of <code>scale/cli.py train</code> (or a zip of it): its model becomes
        the current model, as a model zip import does, and its <code>metrics.csv</code> is charted beside this
        tab's run (here and under the Train charts).
      </p>
      <div className="hn-controls">
        <label>
          Import a finished run (.zip)
          <input
            type="file"
            accept=".zip,application/zip"
            onChange={onZip}
            disabled={disabled}
            data-testid="run-import-zip"
          />
        </label>
        <label>
          Import a finished run folder
          <input
            type="file"
            {...FOLDER_PICKER}
            multiple
            onChange={onFolder}
            disabled={disabled}
            data-testid="run-import-folder"
          />
        </label>
        {r.run && (
          <button type="button" className="small" onClick={r.clear} disabled={r.busy}>
            Hide the imported run
          </button>
        )}
      </div>
      <div aria-live="polite">
        {r.busy && <p role="status">Importing the run…</p>}
        {r.message && (
          <p role="status" data-testid="run-import-message">
            {r.message}
          </p>
        )}
      </div>
      {r.error && (
        <p role="alert" className="error" data-testid="run-import-error">
          {r.error}
        </p>
      )}
      <div className="charts">
        <ImportedRunChart />
      </div>
    </section>
  );
}
