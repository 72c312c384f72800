/** `--images <dir or zip>` for the eval command: benchmark images from disk (Node only). */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import jpeg from "jpeg-js";
import type { RgbaImage } from "../../core/clip/preprocess.js";
import { NameIndex } from "../../core/data/uploads/paths.js";
import { type ImageFiles, imageFilesFromZip } from "../../core/eval/importers/imageFiles.js";
import { decodePng } from "../../core/io/png.js";
import { ZipError } from "../../core/io/zip.js";

const MAX_FILES = 2_000_000;

/** Relative paths ("/"-separated) of every file under `dir`. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(dir, relative), { withFileTypes: true })) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.push(path);
      if (out.length > MAX_FILES) throw new Error(`--images ${dir} holds more than ${MAX_FILES} files`);
    }
  };
  walk("");
  return out;
}

export function imageFilesFromPath(path: string): ImageFiles {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new Error(`--images ${path} not found (give a folder or a .zip of the benchmark's images)`);
  }
  if (!isDirectory) {
    try {
      return imageFilesFromZip(new Uint8Array(readFileSync(path)));
    } catch (e) {
      if (e instanceof ZipError) throw new Error(`--images ${path}: ${e.message}`);
      throw e;
    }
  }
  const index = new NameIndex(listFiles(path), `--images ${path}`);
  return {
    resolve: (reference) => index.resolve(reference),
    read: async (names) =>
      new Map(
        await Promise.all(
          names.map(async (n): Promise<[string, Uint8Array | Error]> => {
            try {
              return [n, new Uint8Array(await readFile(join(path, n)))];
            } catch (e) {
              return [
                n,
                new Error(`cannot read ${join(path, n)} (${(e as NodeJS.ErrnoException).code ?? e})`),
              ];
            }
          }),
        ),
      ),
  };
}

/** The CLI decodes PNG and JPEG (most published benchmark images are JPEG). */
export function decodeCliImage(bytes: Uint8Array): RgbaImage {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return decodePng(bytes);
  try {
    // Bounded: jpeg-js refuses images that would need more than this much memory.
    const { width, height, data } = jpeg.decode(bytes, { useTArray: true, maxMemoryUsageInMB: 256 });
    return { width, height, data, channels: 4 };
  } catch (e) {
    throw new Error(`corrupt JPEG (${e instanceof Error ? e.message : String(e)})`);
  }
}
