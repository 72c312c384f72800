import * as tf from "@tensorflow/tfjs";
import { straightforwardOps } from "../clip/kernels/switch.js";
import { patchify, patchifyHost, type TokenBatch } from "../clip/model.js";
import { type PreprocessOptions, preprocessImage, type RgbaImage } from "../clip/preprocess.js";
import { createRng } from "../clip/random.js";
import type { ClipTokenizer } from "../clip/tokenizer.js";

/** One training pair with its typed hard negatives ("" and mask 0 where a type does not apply). */
export interface TrainingExample {
  image: RgbaImage;
  caption: string;
  negatives: string[];
  negativeMask: number[];
}

/** Random access to a data set; examples may be generated on demand. */
export interface ExampleSource {
  size: number;
  /** K, the number of negative types of every example (0 without negatives). */
  numNegativeTypes: number;
  negativeTypeNames: string[];
  get(index: number): TrainingExample;
}

/** The order of an epoch: a permutation that depends only on (seed, epoch). */
export function epochOrder(seed: number, epoch: number, size: number): Int32Array {
  const rng = createRng(seed * 1_000_003 + epoch * 7919 + 17);
  const order = Int32Array.from({ length: size }, (_, i) => i);
  for (let i = size - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
  return order;
}

/** Where the data stream stands: enough to resume the exact same batches. */
export interface DataCursor {
  epoch: number;
  /** Index of the next example within the epoch's order. */
  position: number;
}

/**
 * Takes the next `batchSize` indices; an epoch ends when fewer than a full batch remain
 * (the tail is dropped, as drop_last in PyTorch), so every batch has the same shape.
 */
export function nextBatchIndices(
  cursor: DataCursor,
  seed: number,
  size: number,
  batchSize: number,
): { indices: Int32Array; cursor: DataCursor; newEpoch: boolean } {
  if (batchSize > size) throw new Error(`batch size ${batchSize} exceeds the ${size} training examples`);
  let { epoch, position } = cursor;
  let newEpoch = position === 0;
  if (position + batchSize > size) {
    epoch += 1;
    position = 0;
    newEpoch = true;
  }
  const indices = epochOrder(seed, epoch, size).slice(position, position + batchSize);
  return { indices, cursor: { epoch, position: position + batchSize }, newEpoch };
}

export interface TrainingBatch {
  /** Preprocessed pixels as flattened patches [N, P, 3 p p] (patchified on the host). */
  patches: tf.Tensor3D;
  captions: TokenBatch;
  /** The N captions as text (keyword targets are read from them). */
  captionTexts: string[];
  /** N*K caption rows, sample-major; absent when K = 0. */
  negatives?: TokenBatch;
  /** [N, K] validity. */
  validMask?: tf.Tensor2D;
  numNegativeTypes: number;
}

function tokenBatch(tokenizer: ClipTokenizer, texts: string[]): TokenBatch {
  const { inputIds, shape } = tokenizer.encode(texts);
  return { ids: inputIds, batch: shape[0], length: shape[1] };
}

/** Preprocessed, host-patchified pixels [N, P, 3 p p] of decoded images (the caller disposes them). */
export function imagePatches(
  images: RgbaImage[],
  preprocess: PreprocessOptions,
  patchSize: number,
): tf.Tensor3D {
  const size = preprocess.cropSize;
  const pixelData = new Float32Array(images.length * 3 * size * size);
  for (const [i, image] of images.entries())
    pixelData.set(preprocessImage(image, preprocess), i * 3 * size * size);
  // The straightforward path (setFusedKernels(false), for comparison) patchifies on the backend.
  if (straightforwardOps())
    return tf.tidy(() => patchify(tf.tensor4d(pixelData, [images.length, 3, size, size]), patchSize));
  return tf.tensor3d(patchifyHost(pixelData, images.length, size, patchSize), [
    images.length,
    (size / patchSize) ** 2,
    3 * patchSize * patchSize,
  ]);
}

/** `count` indices spread evenly over 0..size-1 (all of them when count >= size): a seed-free sample. */
export function evenlySpacedIndices(size: number, count: number): number[] {
  const n = Math.min(size, count);
  return Array.from({ length: n }, (_, i) => Math.floor((i * size) / n));
}

/** Preprocesses and tokenises the examples at `indices` into tensors (the caller disposes them). */
export function buildBatch(
  source: ExampleSource,
  indices: ArrayLike<number>,
  tokenizer: ClipTokenizer,
  preprocess: PreprocessOptions,
  patchSize: number,
  withNegatives: boolean,
): TrainingBatch {
  const examples = Array.from(indices, (i) => source.get(i));
  const k = withNegatives ? source.numNegativeTypes : 0;
  const captionTexts = examples.map((e) => e.caption);
  const batch: TrainingBatch = {
    patches: imagePatches(
      examples.map((e) => e.image),
      preprocess,
      patchSize,
    ),
    captions: tokenBatch(tokenizer, captionTexts),
    captionTexts,
    numNegativeTypes: k,
  };
  if (k > 0) {
    // A masked negative still needs a row (its text is ""); the mask removes it where it matters.
    batch.negatives = tokenBatch(
      tokenizer,
      examples.flatMap((e) => e.negatives.slice(0, k)),
    );
    batch.validMask = tf.tensor2d(
      examples.flatMap((e) => e.negativeMask.slice(0, k)),
      [examples.length, k],
    );
  }
  return batch;
}

export function disposeBatch(batch: TrainingBatch): void {
  tf.dispose([batch.patches, ...(batch.validMask ? [batch.validMask] : [])]);
}
