/**
 * Where a benchmark's images come from (`--images <dir or zip>`, an upload): names are
 * resolved once, then read in batches so a large image set is never in memory at once.
 */
import { NameIndex } from "../../data/uploads/paths.js";
import { extractZipEntries, listZipEntries, ZipError } from "../../io/zip.js";

export interface ImageFiles {
  /** The stored name for an annotation's reference, or why there is none. */
  resolve(reference: string): { name: string } | { problem: string };
  /** Bytes of resolved names, or why one could not be read (absent ones are left out). */
  read(names: readonly string[]): Promise<Map<string, Uint8Array | Error>>;
}

/** Images already in memory (an upload's files, a test's fixtures). */
export function imageFilesFromMap(files: ReadonlyMap<string, Uint8Array>): ImageFiles {
  const index = new NameIndex(files.keys(), "the images");
  return {
    resolve: (reference) => index.resolve(reference),
    read: async (names) => new Map(names.flatMap((n) => (files.has(n) ? [[n, files.get(n)!] as const] : []))),
  };
}

export interface ZipImageLimits {
  maxFiles: number;
  /** Uncompressed bytes extracted per read (one batch). */
  maxBatchBytes: number;
}

/**
 * Images in a zip: the central directory is listed once (names checked, count capped) and
 * each batch inflates only its own entries, within `maxBatchBytes`.
 */
export function imageFilesFromZip(
  bytes: Uint8Array,
  limits: ZipImageLimits = { maxFiles: 2_000_000, maxBatchBytes: 1 << 30 },
): ImageFiles {
  const entries = listZipEntries(bytes, limits.maxFiles);
  const stored = new Map(entries.map((e) => [e.path, e.name]));
  const index = new NameIndex(stored.keys(), "the images zip");
  return {
    resolve: (reference) => index.resolve(reference),
    read: async (names) => {
      const wanted = names.flatMap((n) => (stored.has(n) ? [stored.get(n)!] : []));
      try {
        return extractZipEntries(bytes, new Set(wanted), limits.maxBatchBytes);
      } catch (e) {
        if (!(e instanceof ZipError)) throw e;
        // One bad entry (a CRC failure) must not take the batch with it: read them one by one.
        const out = new Map<string, Uint8Array | Error>();
        for (const name of wanted) {
          try {
            for (const [path, data] of extractZipEntries(bytes, new Set([name]), limits.maxBatchBytes))
              out.set(path, data);
          } catch (error) {
            if (!(error instanceof ZipError)) throw error;
            out.set(name.replace(/\\/g, "/"), error);
          }
        }
        return out;
      }
    },
  };
}
