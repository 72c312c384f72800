/**
 * PNG <-> RgbaImage via fast-png, reducing every PNG colour type / bit depth to 8-bit
 * samples the way Pillow's PNG plugin does, so preprocessing matches HF + PIL.
 */
import { type DecodedPng, decode, encode, hasPngSignature } from "fast-png";
import type { RgbaImage } from "../clip/preprocess.js";

export class ImageDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageDecodeError";
  }
}

/** Unpacks 1/2/4-bit samples (rows padded to whole bytes) into one value per pixel. */
function unpackLowDepth(png: DecodedPng): Uint8Array {
  const { width, height, depth, data } = png;
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = data[y * rowBytes + (bit >> 3)];
      out[y * width + x] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

function samples8(png: DecodedPng): Uint8Array {
  return png.depth < 8 ? unpackLowDepth(png) : Uint8Array.from(png.data);
}

/** Indexed colour: expand through the palette; tRNS (if any) becomes an alpha channel. */
function expandPalette(png: DecodedPng, palette: number[][]): RgbaImage {
  const indices = samples8(png);
  const channels = palette.some((c) => c.length === 4) ? 4 : 3;
  const out = new Uint8Array(indices.length * channels);
  for (let i = 0; i < indices.length; i++) {
    // Pillow leaves out-of-range indices black; keep that rather than failing.
    const colour = palette[indices[i]] ?? [0, 0, 0];
    for (let c = 0; c < channels; c++) out[i * channels + c] = colour[c] ?? 255;
  }
  return { width: png.width, height: png.height, data: out, channels };
}

/**
 * Grey (colour type 0). Pillow scales 1/2/4-bit grey to the full 0..255 range, but opens
 * 16-bit grey as mode "I;16" whose conversion to RGB *clamps* to 255 (it does not shift).
 */
function decodeGrey(png: DecodedPng): Uint8Array {
  if (png.depth === 16) return Uint8Array.from(png.data, (v) => Math.min(v, 255));
  const values = samples8(png);
  if (png.depth < 8) {
    const gain = 255 / ((1 << png.depth) - 1);
    for (let i = 0; i < values.length; i++) values[i] *= gain;
  }
  return values;
}

function toRgbaImage(png: DecodedPng): RgbaImage {
  const { width, height, channels, depth } = png;
  if (channels === 1 && png.palette) return expandPalette(png, png.palette);
  if (channels === 1) return { width, height, data: decodeGrey(png), channels: 1 };
  if (channels !== 2 && channels !== 3 && channels !== 4) {
    throw new ImageDecodeError(`unsupported PNG channel count ${channels}`);
  }
  // 16-bit LA / RGB / RGBA: Pillow's ";16B" raw modes keep the most significant byte.
  const data = depth === 16 ? Uint8Array.from(png.data, (v) => v >> 8) : Uint8Array.from(png.data);
  return { width, height, data, channels };
}

/**
 * Far above any training image; refused before decoding, since fast-png allocates the whole
 * image from the header's size: a 100-byte file can declare 60000x60000 (a decompression bomb).
 */
export const MAX_PNG_PIXELS = 8192 * 8192;

/** Checks the IHDR chunk (always first) before fast-png allocates anything; returns the colour type. */
function checkHeader(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 33 || view.getUint32(12) !== 0x49484452) {
    throw new ImageDecodeError("corrupt or truncated PNG: no IHDR header chunk");
  }
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0) throw new ImageDecodeError(`corrupt PNG: the image is ${width}x${height}`);
  if (width * height > MAX_PNG_PIXELS) {
    throw new ImageDecodeError(
      `PNG is ${width}x${height} pixels, more than the limit of ${MAX_PNG_PIXELS} (8192x8192)`,
    );
  }
  return bytes[25];
}

/** Decodes a PNG into interleaved 8-bit samples; throws ImageDecodeError if unreadable. */
export function decodePng(bytes: Uint8Array): RgbaImage {
  if (!hasPngSignature(bytes)) throw new ImageDecodeError("not a PNG file (missing PNG signature)");
  const colourType = checkHeader(bytes);
  let png: DecodedPng;
  try {
    png = decode(bytes, { checkCrc: true });
  } catch (e) {
    // fast-png messages can end in a dangling ":"; keep the one-line message tidy.
    const reason = (e as Error).message.replace(/[\s:]+$/, "");
    throw new ImageDecodeError(`corrupt or truncated PNG: ${reason}`);
  }
  // Without its palette an indexed image would pass for grey (Pillow refuses it too).
  if (colourType === 3 && !png.palette)
    throw new ImageDecodeError("corrupt PNG: indexed image without a palette");
  const img = toRgbaImage(png);
  const expected = img.width * img.height * img.channels;
  if (img.width < 1 || img.height < 1 || img.data.length !== expected) {
    throw new ImageDecodeError(
      `corrupt PNG: ${img.width}x${img.height}x${img.channels} image has ${img.data.length} samples`,
    );
  }
  return img;
}

/** Encodes an 8-bit RgbaImage as a PNG (L, LA, RGB or RGBA by channel count). */
export function encodePng(img: RgbaImage): Uint8Array {
  return encode({ width: img.width, height: img.height, data: img.data, depth: 8, channels: img.channels });
}
