import { loadTrainData } from "../core/data/sources.js";
import type { ExampleSource } from "../core/train/batches.js";
import { uploadTrainingSource } from "./uploadApi.js";

/**
 * The training-data spec (src/core/data/sources.ts, as the CLI names it) of each built-in
 * choice of the run config's `data`.
 */
const BUILT_IN_SPECS: Readonly<Record<string, string>> = {
  shapes: "shapes-train",
  "shapes-two-objects": "shapes-train-two-objects",
};

/**
 * A run's examples and the name run files give them: the Data tab's upload (whole), or the
 * shapes world's train split in the chosen scene mix (`size` scenes from `seed`).
 */
export async function runTrainingSource(
  data: string | undefined,
  context: { size: number; seed: number; imageSize: number },
): Promise<{ source: ExampleSource; dataName: string }> {
  if (data === "upload") return { source: await uploadTrainingSource(context.imageSize), dataName: "upload" };
  const spec = BUILT_IN_SPECS[data ?? "shapes"];
  if (!spec) throw new Error(`unknown training data "${data}"`);
  return { source: await loadTrainData(spec, context), dataName: spec };
}
