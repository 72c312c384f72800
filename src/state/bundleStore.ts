import * as Comlink from "comlink";
import { create } from "zustand";
import type { BundleProgress } from "../worker/bundleApi.js";
import { labWorker } from "../worker/client.js";
import { download } from "./exportStore.js";
import type { RunConfig } from "./runConfig.js";

/** Default examples of a shapes-world bundle: enough for a first multi-GPU run, a few MB. */
export const DEFAULT_BUNDLE_EXAMPLES = 2000;

interface BundleExportState {
  /** Shapes-world examples to export (uploaded data goes whole). */
  dataSize: number;
  busy: boolean;
  progress?: BundleProgress;
  message?: string;
  error?: string;
  setDataSize(n: number): void;
  /** Builds the bundle zip in the worker and downloads it as `<folder>.zip`. */
  exportBundle(config: RunConfig, folder: string): Promise<void>;
}

export const useBundleStore = create<BundleExportState>((set, get) => ({
  dataSize: DEFAULT_BUNDLE_EXAMPLES,
  busy: false,
  setDataSize: (dataSize) => set({ dataSize }),
  exportBundle: async (config, folder) => {
    if (get().busy) return;
    set({ busy: true, progress: undefined, error: undefined, message: undefined });
    try {
      const onProgress = Comlink.proxy((progress: BundleProgress) => set({ progress }));
      const zip = await labWorker().exportRunBundleZip(
        { config, dataSize: get().dataSize, folder },
        onProgress,
      );
      download(zip.bytes, `${folder}.zip`);
      const carried =
        zip.carriedFromStep !== undefined
          ? ` It carries the objective state (thresholds) of the paused run at step ${zip.carriedFromStep}.`
          : "";
      set({
        message:
          `Downloaded ${folder}.zip: ${zip.examples.toLocaleString("en-US")} examples, ` +
          `${(zip.bytes.length / 1024 ** 2).toFixed(1)} MB.${carried}`,
      });
    } catch (e) {
      set({ error: `Bundle export failed: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      set({ busy: false, progress: undefined });
    }
  },
}));
