import type { ChangeEvent } from "react";
import { useClipStore } from "../state/clipStore.js";

export function ModelLoader() {
  const { model, loadBundledModel, loadModelFiles, busy } = useClipStore();
  const onFolder = (e: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? []);
    if (files.length > 0) void loadModelFiles(files);
  };
  return (
    <section aria-labelledby="model-heading">
      <h2 id="model-heading">Model</h2>
      <div className="row">
        <button type="button" onClick={() => void loadBundledModel()} disabled={Boolean(busy)}>
          Load the bundled tiny CLIP
        </button>
        <label className="file">
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
      {model && (
        <p data-testid="model-summary">
          Loaded <strong>{model.name}</strong>: {model.parameters.toLocaleString()} parameters,{" "}
          {model.imageSize}px images, {model.contextLength} tokens, {model.projectionDim}-d embeddings.
          {model.warnings.length > 0 && <span className="warn"> {model.warnings.join("; ")}</span>}
        </p>
      )}
    </section>
  );
}
