import type { RgbaImage } from "../core/clip/preprocess.js";

/** Decodes an image file (PNG, JPEG, WebP, ...) to RGBA pixels with the browser's decoder. */
export async function decodeImageBlob(blob: Blob, name = "image"): Promise<RgbaImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: "none", premultiplyAlpha: "none" });
  } catch {
    throw new Error(`${name}: not a readable image (corrupt or unsupported format)`);
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("OffscreenCanvas 2D context is unavailable");
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return { width, height, data, channels: 4 };
}
