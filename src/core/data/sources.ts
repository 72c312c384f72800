import type { ExampleSource } from "../train/batches.js";
import { SCENE_MIXES, type SceneMix, shapesExampleSource } from "./shapesWorld/source.js";

/** What every training data source gets: its size, seed, the model's image size, file access. */
export interface TrainDataContext {
  /** Examples in the source (generated sources: how many distinct scenes). */
  size: number;
  seed: number;
  imageSize: number;
  /** Reads a file named in the spec (Node fs in the CLI, an upload in the app). */
  readFile?: (path: string) => Promise<Uint8Array>;
}

/** One accepted form of `--data` for training, e.g. "shapes-train" or later "csv:<file>". */
export interface TrainDataSource {
  /** Shown in the list of accepted forms. */
  usage: string;
  matches(spec: string): boolean;
  load(spec: string, context: TrainDataContext): Promise<ExampleSource>;
}

/** The shapes world's train split in one scene mix, rendered at the model's image size (no resampling blur). */
function shapesTrain(spec: string, mix: SceneMix): TrainDataSource {
  return {
    usage: spec,
    matches: (s) => s === spec,
    load: async (_spec, { size, seed, imageSize }) => {
      if (!Number.isInteger(size) || size < 1)
        throw new Error(`data size must be a positive integer, got ${size}`);
      return shapesExampleSource({ split: "train", seed, size, imageSize, options: SCENE_MIXES[mix] });
    },
  };
}

/** Registry of training data sources; CSV/JSONL uploads become one entry each. */
export const TRAIN_DATA_SOURCES: readonly TrainDataSource[] = [
  shapesTrain("shapes-train", "world"),
  // Two-object scenes only: what `npm run reproduce` fine-tunes on (see SCENE_MIXES).
  shapesTrain("shapes-train-two-objects", "two-objects"),
];

/** The source for a spec, or a one-line error listing the accepted forms. */
export function findTrainDataSource(spec: string): TrainDataSource {
  const source = TRAIN_DATA_SOURCES.find((s) => s.matches(spec));
  if (!source) {
    const accepted = TRAIN_DATA_SOURCES.map((s) => s.usage).join(", ");
    throw new Error(`unknown training data "${spec}" (accepted: ${accepted})`);
  }
  return source;
}

export async function loadTrainData(spec: string, context: TrainDataContext): Promise<ExampleSource> {
  return findTrainDataSource(spec).load(spec, context);
}
