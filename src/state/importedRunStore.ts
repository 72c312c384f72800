import * as Comlink from "comlink";
import { create } from "zustand";
import type { StepMetrics } from "../core/train/trainer.js";
import { labWorker } from "../worker/client.js";
import { useClipStore } from "./clipStore.js";

/**
 * A finished run imported from scale/ (PyTorch DDP): its metric rows and run.json, charted
 * beside the browser's own history (trainingStore, left untouched). Its model becomes the
 * current model on import.
 */
export interface ImportedRun {
  name: string;
  metrics: StepMetrics[];
  record: Record<string, unknown>;
  objective?: string;
}

interface ImportedRunState {
  run?: ImportedRun;
  busy: boolean;
  message?: string;
  error?: string;
  /** A zip of a scale/ `--out` folder. */
  importZip(file: File): Promise<void>;
  /** A picked `--out` folder's result files, by the name the run gave them (e.g. "metrics.csv"). */
  importFolder(name: string, files: readonly { name: string; file: Blob }[]): Promise<void>;
  clear(): void;
}

type RunInput = { zip: Uint8Array } | { files: Map<string, Uint8Array> };

export const useImportedRunStore = create<ImportedRunState>((set, get) => {
  const importRun = async (name: string, read: () => Promise<RunInput>) => {
    if (get().busy) return;
    set({ busy: true, error: undefined, message: undefined });
    try {
      const input = await read();
      const transfer = "zip" in input ? [input.zip.buffer] : [...input.files.values()].map((b) => b.buffer);
      const result = await labWorker().importRunResult(Comlink.transfer(input, transfer), { name });
      useClipStore.setState({ model: { ...result.summary, name }, rows: [] });
      set({
        run: { name, metrics: result.metrics, record: result.record, objective: result.objective },
        message:
          `Imported ${name}: ${result.summary.parameters.toLocaleString("en-US")} parameters are the current ` +
          `model now, ${result.metrics.length.toLocaleString("en-US")} steps of metrics are charted.`,
      });
    } catch (e) {
      set({ error: `Import failed: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      set({ busy: false });
    }
  };
  return {
    busy: false,
    importZip: (file) =>
      importRun(file.name.replace(/\.zip$/i, ""), async () => ({
        zip: new Uint8Array(await file.arrayBuffer()),
      })),
    importFolder: (name, picked) =>
      importRun(name, async () => {
        const files = new Map<string, Uint8Array>();
        for (const { name, file } of picked) files.set(name, new Uint8Array(await file.arrayBuffer()));
        return { files };
      }),
    clear: () => set({ run: undefined, message: undefined, error: undefined }),
  };
});
