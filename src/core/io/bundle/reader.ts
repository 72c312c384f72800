import type { ExampleSource } from "../../train/batches.js";
import { decodePng } from "../png.js";
import { stripCommonFolder, unzipFiles } from "../zip.js";
import {
  BundleError,
  PAIRS_FILE,
  type PairLine,
  parsePairLine,
  parseRunJson,
  RUN_FILE,
  type RunBundle,
} from "./schema.js";

/** A checked run bundle: its record, the model folder's files and the examples. */
export interface ReadRunBundle {
  run: RunBundle;
  /** The HF model folder, by file name. */
  modelFiles: Map<string, Uint8Array>;
  pairs: PairLine[];
  /** The examples for the browser's Trainer (images decoded on demand). */
  source: ExampleSource;
}

/** Bundles hold the data set: allow more and larger files than a model zip. */
export const BUNDLE_LIMITS = { maxTotalBytes: 4 * 1024 ** 3, maxFiles: 2_000_000 };

function text(files: Map<string, Uint8Array>, name: string): string {
  const bytes = files.get(name);
  if (!bytes) throw new BundleError(`${name}: file not found in the bundle`);
  return new TextDecoder().decode(bytes);
}

/**
 * Reads a bundle from its files (paths relative to the bundle, as `writeRunBundle` returns
 * them or a zip holds them); every problem is a one-line BundleError naming file and field.
 */
export function readRunBundle(files: Map<string, Uint8Array>): ReadRunBundle {
  const run = parseRunJson(text(files, RUN_FILE));
  const modelPrefix = `${run.model.path}/`;
  const modelFiles = new Map(
    [...files]
      .filter(([name]) => name.startsWith(modelPrefix) && !name.slice(modelPrefix.length).includes("/"))
      .map(([name, bytes]) => [name.slice(modelPrefix.length), bytes]),
  );
  for (const required of ["config.json", "model.safetensors"])
    if (!modelFiles.has(required))
      throw new BundleError(`${modelPrefix}${required}: file not found in the bundle`);
  const pairs: PairLine[] = [];
  text(files, PAIRS_FILE)
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "") return;
      const pair = parsePairLine(line, i + 1, run);
      if (!files.has(pair.image))
        throw new BundleError(
          `${PAIRS_FILE} line ${i + 1}: field "image": file ${pair.image} not found in the bundle`,
        );
      pairs.push(pair);
    });
  if (pairs.length !== run.data.size)
    throw new BundleError(
      `${PAIRS_FILE}: has ${pairs.length} examples, run.json field "data.size" says ${run.data.size}`,
    );
  const source: ExampleSource = {
    size: pairs.length,
    numNegativeTypes: run.data.numNegativeTypes,
    negativeTypeNames: [...run.data.negativeTypes],
    get(index) {
      const pair = pairs[index];
      if (!pair) throw new RangeError(`example ${index} outside 0..${pairs.length - 1}`);
      let image: ReturnType<typeof decodePng>;
      try {
        image = decodePng(files.get(pair.image)!);
      } catch (e) {
        throw new BundleError(`${pair.image}: ${(e as Error).message}`);
      }
      return { image, caption: pair.caption, negatives: pair.negatives, negativeMask: pair.valid };
    },
  };
  return { run, modelFiles, pairs, source };
}

/** A bundle zip's files (a zipped bundle folder or a zip of its contents). */
export function runBundleFilesFromZip(bytes: Uint8Array): Map<string, Uint8Array> {
  return stripCommonFolder(unzipFiles(bytes, BUNDLE_LIMITS));
}
