import * as Comlink from "comlink";
import { disposeClip, exportClipFiles } from "../core/clip/index.js";
import {
  BundleError,
  readRunResult,
  runBundleEntries,
  runBundleFilesFromZip,
} from "../core/io/bundle/index.js";
import { zipFiles } from "../core/io/zip.js";
import type { ExampleSource } from "../core/train/batches.js";
import { parseTrainConfig, type TrainConfig } from "../core/train/config.js";
import type { StepMetrics } from "../core/train/trainer.js";
import { importModelFiles, snapshotModel } from "./exportApi.js";
import { runTrainingSource } from "./runData.js";
import { requireModel } from "./session.js";
import { pausedObjectiveState } from "./trainingApi.js";

/**
 * Scale-out from the page: the current model and run as a run bundle for `scale/` (PyTorch
 * DDP), and a finished scale/ run imported back (model plus metric curves). The bundle
 * format itself lives in core/io/bundle; this file picks the model, data and state.
 */

export interface BundleRequest {
  /** The run's settings (the sidebar's, or the paused run's); `data` picks the source. */
  config: TrainConfig & { data?: string };
  /** Examples of the shapes world to export (uploaded data is exported whole). */
  dataSize: number;
  /** The zip's top folder: unzipping makes the bundle folder. */
  folder: string;
}

export interface BundleProgress {
  stage: "data" | "zip";
  done: number;
  total: number;
}

export interface BundleZip {
  bytes: Uint8Array;
  examples: number;
  /** The step of the paused run whose objective state (thresholds) the bundle carries. */
  carriedFromStep?: number;
}

async function bundleSource(
  request: BundleRequest,
  seed: number,
  imageSize: number,
): Promise<{ source: ExampleSource; dataName: string }> {
  const { dataSize } = request;
  if (request.config.data !== "upload" && (!Number.isInteger(dataSize) || dataSize < 1))
    throw new BundleError(`data size: ${dataSize} is not a whole number of examples (1 or more)`);
  return runTrainingSource(request.config.data, { size: dataSize, seed, imageSize });
}

/** A finished run's files: run bundles are told apart (they hold data, no metrics). */
function resultFiles(input: { zip: Uint8Array } | { files: Map<string, Uint8Array> }) {
  const files = "zip" in input ? runBundleFilesFromZip(input.zip) : input.files;
  if (!files.has("metrics.csv") && files.has("data/pairs.jsonl"))
    throw new BundleError(
      "this is a run bundle (data/pairs.jsonl), not a finished run: train it with scale/cli.py train and import its --out folder",
    );
  return files;
}

export const bundleApi = {
  /**
   * The current weights, the run's data, run.json (with the paused run's objective state
   * when its objective matches) and README as one zip under `request.folder/`.
   */
  async exportRunBundleZip(
    request: BundleRequest,
    onProgress?: (p: BundleProgress) => void,
  ): Promise<BundleZip> {
    const model = requireModel();
    const { data: _data, ...settings } = request.config;
    const config = parseTrainConfig(settings);
    // A synchronous copy: a training step cannot land between reading two tensors.
    const frozen = snapshotModel(model);
    let modelFiles: Map<string, Uint8Array>;
    try {
      modelFiles = await exportClipFiles(frozen, { format: "pt", exported_by: "hardneg-lab" });
    } finally {
      disposeClip(frozen);
    }
    const carried = await pausedObjectiveState();
    const carry = carried?.objective === config.objective ? carried : undefined;
    const { source, dataName } = await bundleSource(
      request,
      config.seed,
      model.config.vision_config.image_size,
    );
    const files = new Map<string, Uint8Array>();
    // About 100 progress messages per export, whatever its size.
    const every = Math.max(1, Math.floor(source.size / 100));
    let images = 0;
    for await (const [path, bytes] of runBundleEntries({
      modelFiles,
      source,
      dataName,
      config,
      objectiveState: carry?.state,
    })) {
      files.set(`${request.folder}/${path}`, bytes);
      if (path.endsWith(".png") && (++images % every === 0 || images === source.size))
        onProgress?.({ stage: "data", done: images, total: source.size });
    }
    onProgress?.({ stage: "zip", done: 0, total: 1 });
    const bytes = zipFiles(files);
    const result: BundleZip = { bytes, examples: source.size, carriedFromStep: carry?.step };
    return Comlink.transfer(result, [bytes.buffer]);
  },

  /**
   * Imports a finished scale/ run (its --out folder's files, or a zip of it): the model becomes
   * the current model as a model zip import does; the metrics and run.json come back to chart.
   */
  async importRunResult(
    input: { zip: Uint8Array } | { files: Map<string, Uint8Array> },
    options: { name?: string } = {},
  ): Promise<{
    summary: Awaited<ReturnType<typeof importModelFiles>>;
    metrics: StepMetrics[];
    record: Record<string, unknown>;
    objective?: string;
  }> {
    const result = readRunResult(resultFiles(input));
    const summary = await importModelFiles(result.modelFiles, options);
    return { summary, metrics: result.metrics, record: result.record, objective: result.config?.objective };
  },
};
