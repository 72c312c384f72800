import { useId, useState } from "react";
import { useBundleStore } from "../../state/bundleStore.js";
import { useClipStore } from "../../state/clipStore.js";
import { useTrainingStore } from "../../state/trainingStore.js";
import { bundleFolderName, launchCommands, MAX_BUNDLE_EXAMPLES, scaleBlocker } from "./scaleOut.js";

/** A launch line with a button that copies it. */
function CommandLine({ label, command, testId }: { label: string; command: string; testId: string }) {
  const [copied, setCopied] = useState<string>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(command);
      setCopied("Copied.");
    } catch {
      setCopied("Copying is blocked here: select the line and copy it.");
    }
  };
  return (
    <div>
      <div className="hn-controls">
        <span>{label}</span>
        <button type="button" className="small" onClick={() => void copy()} aria-label={`Copy: ${label}`}>
          Copy
        </button>
        <span role="status" className="muted hn-small">
          {copied}
        </span>
      </div>
      <pre data-testid={testId} style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
        <code>{command}</code>
      </pre>
    </div>
  );
}

/**
 * "Export run bundle for PyTorch (scale/)": the current weights, the run's data and run.json
 * (with the paused run's thresholds) as a zip, and the lines that launch it with torchrun.
 */
export function RunBundleExport() {
  const model = useClipStore((s) => s.model);
  const status = useTrainingStore((s) => s.status);
  // A paused run exports its own settings (its thresholds go with them); else the sidebar's.
  const config = useTrainingStore((s) => (s.status === "paused" && s.runConfig ? s.runConfig : s.config));
  const b = useBundleStore();
  const headingId = useId();
  const sizeId = useId();
  const sizeHelpId = useId();
  const blocker = scaleBlocker(config);
  const running = status === "running";
  const upload = config.data === "upload";
  const folder = bundleFolderName(model?.name, config.objective);
  const commands = launchCommands(folder, config.batchSize);
  const sizeValid = Number.isInteger(b.dataSize) && b.dataSize >= 1 && b.dataSize <= MAX_BUNDLE_EXAMPLES;
  const disabled = !model || b.busy || running || Boolean(blocker) || (!upload && !sizeValid);
  const p = b.progress;
  return (
    <section aria-labelledby={headingId} data-testid="bundle-export">
      <h3 id={headingId}>Scale out: a run bundle for PyTorch (scale/)</h3>
      <p className="muted">
        For more data, larger models and several GPUs, <code>scale/</code> trains the same run with PyTorch
        DistributedDataParallel. The bundle holds the current weights (<code>model/</code>, an HF folder), the
        run's data (<code>data/images/</code> and <code>data/pairs.jsonl</code>), <code>run.json</code> (every
        setting of the {status === "paused" ? "paused run" : "sidebar's run"}
        {status === "paused" ? ", with its thresholds" : ""}) and a README with the launch lines. Its learning
        rate schedule starts again at step 0.
      </p>
      <div className="hn-controls">
        <label htmlFor={sizeId}>
          Examples to export
          <input
            id={sizeId}
            type="number"
            min={1}
            max={MAX_BUNDLE_EXAMPLES}
            step={1}
            value={Number.isFinite(b.dataSize) ? b.dataSize : ""}
            onChange={(e) => b.setDataSize(e.target.valueAsNumber)}
            disabled={upload || b.busy}
            aria-describedby={sizeHelpId}
            aria-invalid={!upload && !sizeValid}
            data-testid="bundle-data-size"
          />
        </label>
        <button
          type="button"
          onClick={() => void b.exportBundle(config, folder)}
          disabled={disabled}
          data-testid="bundle-export-button"
        >
          Export run bundle for PyTorch (scale/)
        </button>
      </div>
      <p id={sizeHelpId} className="muted hn-small">
        {upload
          ? "Training data is the Data tab's upload: every uploaded example is exported."
          : `Scenes of the shapes world's train split (seed ${config.seed}), whole numbers from 1 to ${MAX_BUNDLE_EXAMPLES.toLocaleString("en-US")}.`}
      </p>
      {blocker && (
        <p role="alert" className="error" data-testid="bundle-blocker">
          {blocker}
        </p>
      )}
      {running && !blocker && (
        <p className="muted" data-testid="bundle-running">
          Pause the run to export it: its weights change every step.
        </p>
      )}
      <div aria-live="polite">
        {b.busy && (
          <div data-testid="bundle-progress">
            <label>
              {p?.stage === "zip"
                ? "Zipping the bundle…"
                : p
                  ? `Writing examples: ${p.done.toLocaleString("en-US")} of ${p.total.toLocaleString("en-US")}`
                  : "Preparing the model and data…"}
              <progress max={p?.total ?? 1} value={p?.stage === "data" ? p.done : undefined} />
            </label>
          </div>
        )}
        {b.message && (
          <p role="status" data-testid="bundle-message">
            {b.message}
          </p>
        )}
      </div>
      {b.error && (
        <p role="alert" className="error" data-testid="bundle-error">
          {b.error}
        </p>
      )}
      <details>
        <summary>Launch it with torchrun</summary>
        <p className="muted hn-small">
          Unzip the bundle next to HardNeg Lab's <code>scale/</code> folder (Python 3.11+, PyTorch 1.13+,
          numpy, Pillow). The batch in run.json is the global batch, split over the processes.
        </p>
        <CommandLine label="Check the bundle" command={commands.check} testId="bundle-command-check" />
        <CommandLine label="Train on one machine's GPUs" command={commands.gpu} testId="bundle-command-gpu" />
        <CommandLine
          label="Train on CPUs (Debian's python3-torch)"
          command={commands.cpu}
          testId="bundle-command-cpu"
        />
        <p className="muted hn-small">
          Several machines: the GPU line on each, with{" "}
          <code>--nnodes N --rdzv-backend c10d --rdzv-endpoint host:29500 --rdzv-id run</code> after{" "}
          <code>torchrun</code>. Then import the <code>--out</code> folder below.
        </p>
      </details>
    </section>
  );
}
