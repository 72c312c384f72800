/**
 * Compositional benchmarks read from their published files, each scored its own way:
 * SugarCrepe, ARO VG-Relation / VG-Attribution, VALSE, VL-CheckList and Winoground.
 */
import { aroAttribution, aroRelation } from "./aro.js";
import { sugarcrepe } from "./sugarcrepe.js";
import type { Importer } from "./types.js";
import { valse } from "./valse.js";
import { vlChecklist } from "./vlChecklist.js";
import { winoground } from "./winoground.js";

export const IMPORTERS: readonly Importer[] = [
  sugarcrepe,
  aroRelation,
  aroAttribution,
  valse,
  vlChecklist,
  winoground,
];

export function findImporter(name: string): Importer | undefined {
  return IMPORTERS.find((i) => i.name === name);
}

export { ARO_ATTRIBUTION_MIN_COUNT, ARO_SYMMETRIC_RELATIONS, type AroScoreOptions, scoreAro } from "./aro.js";
export { cropImage } from "./crop.js";
export { clipEmbedder, type Embedder } from "./embedder.js";
export { type ImageFiles, imageFilesFromMap, imageFilesFromZip, type ZipImageLimits } from "./imageFiles.js";
export { accuracyBySubset, twoWayCorrect } from "./pairwise.js";
export { type ImportedRunOptions, type ImportedRunResult, runImportedBenchmark } from "./run.js";
export type {
  BenchmarkCase,
  CaseSims,
  CropBox,
  ImageRef,
  ImportedScores,
  Importer,
  ParsedBenchmark,
  SubsetScores,
} from "./types.js";
export { scoreWinoground, winogroundCorrect } from "./winoground.js";
