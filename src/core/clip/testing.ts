import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Test-only helpers (Node): fixture paths and folder loading. Never imported by app code. */
export const FIXTURES = join(import.meta.dirname, "../../../test/fixtures");
export const TINY_CLIP_DIR = join(FIXTURES, "hf_tiny_clip");

export function readFolder(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const name of readdirSync(dir)) files.set(name, new Uint8Array(readFileSync(join(dir, name))));
  return files;
}

export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
