/** Run bundles (hand a run to scale/, PyTorch DDP) and finished runs (take the result back). */
export { BUNDLE_LIMITS, type ReadRunBundle, readRunBundle, runBundleFilesFromZip } from "./reader.js";
export { type RunResult, readRunResult } from "./result.js";
export {
  BundleError,
  type PairLine,
  RUN_BUNDLE_FORMAT,
  RUN_BUNDLE_VERSION,
  type RunBundle,
  runBundleJsonSchema,
} from "./schema.js";
export {
  imagePath,
  type RunBundleInput,
  runBundleEntries,
  SCALE_OBJECTIVES,
  writeRunBundle,
} from "./writer.js";
