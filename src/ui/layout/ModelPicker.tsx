import { type ChangeEvent, type FormEvent, useId, useState } from "react";
import { formatBytes } from "../../core/train/memoryPlanner.js";
import { type HubDownloadState, useClipStore } from "../../state/clipStore.js";
import { labWorker } from "../../worker/client.js";
import { loadShapesModel } from "./modelActions.js";

/** Bytes so far of a hub download, as a bar and in words. */
function DownloadProgress({ download }: { download: HubDownloadState }) {
  const percent =
    download.totalKnown && download.total > 0 ? (100 * download.loaded) / download.total : undefined;
  const words = download.fromCache
    ? `${formatBytes(download.loaded)} read from the browser's cache`
    : `${formatBytes(download.loaded)}${download.totalKnown ? ` of ${formatBytes(download.total)}` : ""}`;
  return (
    <div className="stack" data-testid="hub-progress">
      <progress
        value={download.loaded}
        max={download.totalKnown && download.total > 0 ? download.total : undefined}
        aria-label={`Download of ${download.id}`}
      />
      <span className="muted small" data-testid="hub-progress-text">
        {words}
        {percent !== undefined ? ` (${Math.floor(percent)} %)` : ""}
        {download.file && percent !== 100 ? ` · ${download.file}` : ""}
      </span>
    </div>
  );
}

/** Loading a model by hub id, in the hub's URL layout under a configurable address. */
function HubLoader({ disabled }: { disabled: boolean }) {
  const { hubBase, setHubBase, loadHubModel, download } = useClipStore();
  const [id, setId] = useState("");
  const [cleared, setCleared] = useState<string>();
  const idField = useId();
  const baseField = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (id.trim()) void loadHubModel(id);
  };
  const clear = async () => {
    setCleared((await labWorker().clearHubCache()) ? "Download cache cleared." : "Nothing was cached.");
  };
  return (
    <form className="stack" onSubmit={submit} aria-label="Load a model from the Hugging Face hub">
      <label htmlFor={idField}>Hugging Face model id</label>
      <input
        id={idField}
        type="text"
        value={id}
        placeholder="openai/clip-vit-base-patch32"
        onChange={(e) => setId(e.target.value)}
        disabled={disabled}
        title="organisation/name, optionally @revision; the repository needs config.json, model.safetensors and tokenizer files"
      />
      <label htmlFor={baseField}>Hub address</label>
      <input
        id={baseField}
        type="url"
        value={hubBase}
        onChange={(e) => setHubBase(e.target.value)}
        disabled={disabled}
        title="Files are read from {address}/{id}/resolve/main/{file}: the hub, or a mirror in the same layout"
      />
      <div className="row">
        <button type="submit" disabled={disabled || !id.trim()}>
          Load from the hub
        </button>
        <button
          type="button"
          className="small"
          onClick={() => void clear()}
          title="Downloaded files are kept in the browser's Cache Storage so a second load reads nothing"
        >
          Clear the download cache
        </button>
      </div>
      {download && <DownloadProgress download={download} />}
      {cleared && (
        <p className="muted small" role="status">
          {cleared}
        </p>
      )}
    </form>
  );
}

/** Model choice: the built-in shapes model (default), the tiny test fixture, a HF folder or zip, or a hub id. */
export function ModelPicker() {
  const { model, loadBundledModel, loadModelFiles, loadModelZip, busy, notice } = useClipStore();
  const onFolder = (e: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? []);
    if (files.length > 0) void loadModelFiles(files);
  };
  const onZip = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (file) void loadModelZip(file);
  };
  return (
    <section aria-labelledby="model-heading" className="sidebar-section">
      <h2 id="model-heading">Model</h2>
      <div className="stack">
        <button
          type="button"
          className="primary"
          onClick={() => void loadShapesModel()}
          disabled={Boolean(busy)}
          title="CLIP pretrained on the shapes world (32 px images); loaded automatically on first open"
        >
          Load the built-in shapes model
        </button>
        <button
          type="button"
          onClick={() => void loadBundledModel()}
          disabled={Boolean(busy)}
          title="A tiny random CLIP (the test fixture): loads fast, learns nothing useful"
        >
          Load the bundled tiny CLIP
        </button>
        <label className="file" title="A folder with config.json, model.safetensors and the tokenizer files">
          Load a Hugging Face model folder
          <input
            type="file"
            multiple
            onChange={onFolder}
            disabled={Boolean(busy)}
            {...{ webkitdirectory: "" }}
            aria-label="Hugging Face model folder (config.json, model.safetensors, tokenizer files)"
          />
        </label>
        <label className="file" title="A zip of such a folder (an export of this app is one)">
          Load a model zip
          <input
            type="file"
            accept=".zip,application/zip"
            onChange={onZip}
            disabled={Boolean(busy)}
            aria-label="Model zip (a Hugging Face folder zipped)"
          />
        </label>
        <HubLoader disabled={Boolean(busy)} />
      </div>
      {model ? (
        <p data-testid="model-summary" className="model-summary">
          Loaded <strong>{model.name}</strong>: {model.parameters.toLocaleString()} parameters,{" "}
          {model.imageSize}px images, {model.contextLength} tokens, {model.projectionDim}-d embeddings.
          {model.warnings.length > 0 && <span className="warn"> {model.warnings.join("; ")}</span>}
        </p>
      ) : (
        <p className="muted">No model loaded.</p>
      )}
      {notice && (
        <p className="muted small" role="status" data-testid="model-notice">
          {notice}
        </p>
      )}
    </section>
  );
}
