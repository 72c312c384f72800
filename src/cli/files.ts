import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { RgbaImage } from "../core/clip/preprocess.js";
import { decodePng } from "../core/io/png.js";

/** Every file of a model folder, by name (sub-folders ignored). */
export function readModelFolder(dir: string): Map<string, Uint8Array> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`model folder not found: ${dir}`);
  const files = new Map<string, Uint8Array>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isFile()) files.set(name, new Uint8Array(readFileSync(path)));
  }
  return files;
}

export function readImageFile(path: string): RgbaImage {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch {
    throw new Error(`cannot read image file ${path}`);
  }
  try {
    return decodePng(bytes);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message} (the CLI reads PNG images)`);
  }
}
