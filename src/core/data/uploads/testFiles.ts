/** Test-only helpers (Node): small PNG files and upload files. Never imported by app code. */
import { decodePng, encodePng } from "../../io/png.js";
import type { DecodeImage, UploadFile } from "./types.js";

/** A size x size PNG of one colour. */
export function solidPng(rgb: [number, number, number], size = 4): Uint8Array {
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) data.set(rgb, i * 3);
  return encodePng({ width: size, height: size, data, channels: 3 });
}

export const decodePngFile: DecodeImage = (bytes) => decodePng(bytes);

export function textFile(name: string, text: string): UploadFile {
  return { name, bytes: new TextEncoder().encode(text) };
}

/** Files a, b, c, ... as distinct solid PNGs under `folder`. */
export function pngFiles(names: readonly string[], folder = ""): UploadFile[] {
  return names.map((name, i) => ({
    name: folder === "" ? name : `${folder}/${name}`,
    bytes: solidPng([(i * 40) % 256, 255 - ((i * 40) % 256), 128]),
  }));
}

/** Bytes that claim to be a PNG (right signature) but are cut short. */
export function corruptPng(): Uint8Array {
  return solidPng([1, 2, 3]).slice(0, 40);
}
