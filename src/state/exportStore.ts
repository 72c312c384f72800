import * as Comlink from "comlink";
import { create } from "zustand";
import { labWorker } from "../worker/client.js";
import { useClipStore } from "./clipStore.js";

/** A file name from a model name: letters, digits, dot, dash and underscore only. */
export function zipFileName(modelName: string | undefined, step: number): string {
  const base =
    (modelName ?? "model").replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "") || "model";
  return `${base}-hardneg-step${step}.zip`;
}

export function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/zip" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser time to start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

interface ExportState {
  busy?: "export" | "import";
  message?: string;
  error?: string;
  /** Builds the zip in the worker and downloads it. */
  exportZip(): Promise<void>;
  /** Loads a model zip as the current model. */
  importZip(file: File): Promise<void>;
}

export const useExportStore = create<ExportState>((set, get) => ({
  exportZip: async () => {
    if (get().busy) return;
    set({ busy: "export", error: undefined, message: undefined });
    try {
      const modelName = useClipStore.getState().model?.name;
      const worker = labWorker();
      const [bytes, step] = await Promise.all([worker.exportModelZip({ modelName }), worker.runStep()]);
      const name = zipFileName(modelName, step);
      download(bytes, name);
      set({ message: `Downloaded ${name} (${(bytes.length / 1024 ** 2).toFixed(1)} MB).` });
    } catch (e) {
      set({ error: e instanceof Error ? e.message : String(e) });
    } finally {
      set({ busy: undefined });
    }
  },
  importZip: async (file) => {
    if (get().busy) return;
    set({ busy: "import", error: undefined, message: undefined });
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const name = file.name.replace(/\.zip$/i, "");
      const summary = await labWorker().importModelZip(Comlink.transfer(bytes, [bytes.buffer]), { name });
      useClipStore.setState({ model: { ...summary, name }, rows: [] });
      set({
        message:
          `Imported ${name}: ${summary.parameters.toLocaleString()} parameters. ` +
          (summary.keptBase
            ? "The base for comparisons is still the model loaded before (same architecture)."
            : "It is also the base for comparisons."),
      });
    } catch (e) {
      set({ error: `Import failed: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      set({ busy: undefined });
    }
  },
}));
