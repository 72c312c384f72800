import type { RgbaImage } from "../../clip/preprocess.js";
import type { CropBox } from "./types.js";

/**
 * PIL's Image.crop((x, y, x + w, y + h)) as ARO calls it: corners rounded to whole pixels
 * as Python's round() does (half to even), and any part of the box outside the image filled
 * with zeros (black, transparent).
 */
export function cropImage(image: RgbaImage, box: CropBox): RgbaImage {
  const x0 = roundHalfEven(box.x);
  const y0 = roundHalfEven(box.y);
  const x1 = roundHalfEven(box.x + box.width);
  const y1 = roundHalfEven(box.y + box.height);
  const width = x1 - x0;
  const height = y1 - y0;
  if (width < 1 || height < 1)
    throw new Error(`the box [${box.x}, ${box.y}, ${box.width}, ${box.height}] is empty`);
  if (width * height > 1 << 26) throw new Error(`the box ${width}x${height} is too large`);
  const { channels } = image;
  const data = new Uint8Array(width * height * channels);
  const left = Math.max(0, x0);
  const right = Math.min(image.width, x1);
  for (let y = Math.max(0, y0); y < Math.min(image.height, y1); y++) {
    if (right <= left) break;
    const from = (y * image.width + left) * channels;
    data.set(
      image.data.subarray(from, from + (right - left) * channels),
      ((y - y0) * width + (left - x0)) * channels,
    );
  }
  return { width, height, data, channels };
}

export function roundHalfEven(value: number): number {
  return Math.abs(value % 1) === 0.5 ? 2 * Math.round(value / 2) : Math.round(value);
}
