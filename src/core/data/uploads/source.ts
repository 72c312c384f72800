import type { RgbaImage } from "../../clip/preprocess.js";
import type { ExampleSource } from "../../train/batches.js";
import type { UploadItem } from "./types.js";

/**
 * An upload as a training source. `image` returns the decoded picture of a file name (the
 * worker keeps them resized in memory, loaded from OPFS); it is called on every `get`.
 */
export function uploadExampleSource(
  upload: { items: readonly UploadItem[]; negativeTypeNames: readonly string[] },
  image: (name: string) => RgbaImage,
): ExampleSource {
  const { items, negativeTypeNames } = upload;
  if (items.length === 0) throw new Error("the upload has no usable image-caption pairs");
  const k = negativeTypeNames.length;
  for (const item of items) {
    if (item.negatives.length !== k || item.negativeMask.length !== k)
      throw new Error(`item ${item.id} has ${item.negatives.length} negative slots, expected ${k}`);
  }
  return {
    size: items.length,
    numNegativeTypes: k,
    negativeTypeNames: [...negativeTypeNames],
    get(index: number) {
      const item = items[index];
      if (!item) throw new RangeError(`example ${index} outside 0..${items.length - 1}`);
      return {
        image: image(item.image),
        caption: item.caption,
        negatives: item.negatives,
        negativeMask: item.negativeMask,
      };
    },
  };
}
