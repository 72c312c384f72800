import { readFile } from "node:fs/promises";
import { preprocessImage, preprocessOptionsFor } from "../../core/clip/preprocess.js";
import { decodePng } from "../../core/io/png.js";
import { parseCliArgs } from "../args.js";
import type { CliCommand } from "./types.js";

/** Reads and preprocesses PNG files exactly like HF CLIPImageProcessor at `size`. */
export async function preprocessFiles(paths: string[], size: number): Promise<Float32Array[]> {
  const options = preprocessOptionsFor(size);
  const results: Float32Array[] = [];
  for (const path of paths) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new Error(`cannot read image file ${path}: ${reason}`);
    }
    try {
      results.push(preprocessImage(decodePng(bytes), options));
    } catch (e) {
      throw new Error(`cannot preprocess ${path}: ${(e as Error).message}`);
    }
  }
  return results;
}

/** CHW float32 of one image -> nested [3][size][size] number arrays for JSON. */
export function toNestedChw(values: Float32Array, size: number): number[][][] {
  const plane = size * size;
  return [0, 1, 2].map((c) =>
    Array.from({ length: size }, (_, y) =>
      Array.from(values.subarray(c * plane + y * size, c * plane + (y + 1) * size)),
    ),
  );
}

function parseSize(raw: string | undefined): number {
  if (raw === undefined) throw new Error("missing --size <n> (e.g. --size 224)");
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1) throw new Error(`--size must be a positive integer, got "${raw}"`);
  return size;
}

export const preprocessCommand: CliCommand = {
  summary: "CLIP-preprocess PNGs like HF CLIPImageProcessor: --size <n> <images...>",
  async run(args) {
    const { values, positionals } = parseCliArgs(args, { size: { type: "string" } });
    const size = parseSize(values.size as string | undefined);
    if (positionals.length === 0) throw new Error("no images given: preprocess --size <n> <images...>");
    const pixels = await preprocessFiles(positionals, size);
    const pixelValues = pixels.map((p) => toNestedChw(p, size));
    process.stdout.write(`${JSON.stringify({ size, pixel_values: pixelValues })}\n`);
    return 0;
  },
};
