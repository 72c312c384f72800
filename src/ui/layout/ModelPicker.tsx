import type { ChangeEvent } from "react";
import { useClipStore } from "../../state/clipStore.js";
import { loadShapesModel } from "./modelActions.js";

/** Model choice: the built-in shapes model (default), the tiny test fixture, or a HF folder. */
export function ModelPicker() {
  const { model, loadBundledModel, loadModelFiles, busy } = useClipStore();
  const onFolder = (e: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? []);
    if (files.length > 0) void loadModelFiles(files);
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
    </section>
  );
}
