/**
 * Images of an upload in the worker: decoded by the browser (createImageBitmap), scaled down
 * on an OffscreenCanvas so the shorter side is at most a given size, and stored as PNG.
 */
import type { RgbaImage } from "../core/clip/preprocess.js";

/**
 * Shorter side of stored images: 224-px CLIPs resize and crop from it at training time, and
 * a 10,000-image upload stays a few hundred MB.
 */
export const STORED_SHORT_SIDE = 256;

/** The size with the shorter side at most `maxShort` (never enlarged; aspect kept). */
export function fitShortSide(
  width: number,
  height: number,
  maxShort: number,
): { width: number; height: number } {
  const short = Math.min(width, height);
  if (short <= maxShort) return { width, height };
  const scale = maxShort / short;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

function context(width: number, height: number): OffscreenCanvasRenderingContext2D {
  const ctx = new OffscreenCanvas(width, height).getContext("2d");
  if (!ctx) throw new Error("OffscreenCanvas 2D context is unavailable");
  return ctx;
}

/** Decodes PNG/JPEG/WebP/GIF/BMP bytes and scales them down to `maxShort`. */
export async function decodeScaled(bytes: Uint8Array, name: string, maxShort: number): Promise<RgbaImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
      colorSpaceConversion: "none",
      premultiplyAlpha: "none",
    });
  } catch {
    throw new Error(`${name}: not a readable image (corrupt or unsupported format)`);
  }
  try {
    const { width, height } = fitShortSide(bitmap.width, bitmap.height, maxShort);
    const ctx = context(width, height);
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(bitmap, 0, 0, width, height);
    const data = ctx.getImageData(0, 0, width, height).data;
    return { width, height, data, channels: 4 };
  } finally {
    bitmap.close();
  }
}

function toRgba(image: RgbaImage): Uint8ClampedArray<ArrayBuffer> {
  const { width, height, channels, data } = image;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const gray = channels <= 2;
    out[i * 4] = data[i * channels];
    out[i * 4 + 1] = data[i * channels + (gray ? 0 : 1)];
    out[i * 4 + 2] = data[i * channels + (gray ? 0 : 2)];
    out[i * 4 + 3] = channels === 2 || channels === 4 ? data[i * channels + channels - 1] : 255;
  }
  return out;
}

/** A lossless PNG of the image (what the dataset stores). */
export async function encodePng(image: RgbaImage): Promise<Uint8Array> {
  const ctx = context(image.width, image.height);
  ctx.putImageData(new ImageData(toRgba(image), image.width, image.height), 0, 0);
  const blob = await ctx.canvas.convertToBlob({ type: "image/png" });
  return new Uint8Array(await blob.arrayBuffer());
}
