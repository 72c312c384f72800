/**
 * Zip archives (fflate) for model export and import. Reading is defensive: entry names must
 * be relative paths without `..`, and the entry count and total size are capped before
 * anything is decompressed.
 */
import { unzipSync, type ZipOptions, zipSync } from "fflate";

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZipError";
  }
}

export interface UnzipLimits {
  /** Cap on the sum of the entries' uncompressed sizes. */
  maxTotalBytes: number;
  /** Cap on the number of file entries (directories do not count). */
  maxFiles: number;
}

/** Already-compressed or incompressible data is stored, not deflated (float weights barely shrink). */
const STORED = /\.(safetensors|bin|png|jpe?g|webp|zip|gz)$/i;
/** A fixed timestamp keeps archives byte-identical for identical contents. */
const MTIME = new Date("2000-01-01T00:00:00Z");

export function zipFiles(files: Map<string, Uint8Array>): Uint8Array {
  const entries: Record<string, [Uint8Array, ZipOptions]> = {};
  for (const [name, bytes] of files) {
    const problem = unsafeNameReason(name);
    if (problem) throw new ZipError(`cannot store "${name}": ${problem}`);
    entries[name] = [bytes, { level: STORED.test(name) ? 0 : 6, mtime: MTIME }];
  }
  return zipSync(entries);
}

/** Why an entry name is unsafe to extract, or undefined if it is a plain relative path. */
export function unsafeNameReason(name: string): string | undefined {
  if (name.length === 0) return "empty name";
  if (name.includes("\0")) return "NUL character in the name";
  const unified = name.replace(/\\/g, "/");
  if (unified.startsWith("/")) return "absolute path";
  if (/^[a-zA-Z]:/.test(unified)) return "absolute path (drive letter)";
  if (unified.split("/").some((part) => part === "..")) return 'path leaves the archive ("..")';
  return undefined;
}

function isZip(bytes: Uint8Array): boolean {
  // Local file header "PK\3\4", or an empty archive's end-of-central-directory "PK\5\6".
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

/** Extracts every file of a zip; throws ZipError naming the problem on anything unexpected. */
export function unzipFiles(bytes: Uint8Array, limits: UnzipLimits): Map<string, Uint8Array> {
  if (bytes.length === 0) throw new ZipError("the zip file is empty");
  if (!isZip(bytes)) throw new ZipError("not a zip file (no zip signature at the start)");
  const read = (filter: (file: { name: string; originalSize: number }) => boolean) => {
    try {
      return unzipSync(bytes, { filter });
    } catch (e) {
      throw new ZipError(`corrupt or truncated zip file: ${(e as Error).message}`);
    }
  };
  // First pass: the central directory only (nothing is decompressed), to check names and sizes.
  let count = 0;
  let declared = 0;
  let unsafe: string | undefined;
  read((file) => {
    if (file.name.endsWith("/")) return false;
    const problem = unsafeNameReason(file.name);
    if (problem) unsafe ??= `unsafe entry "${file.name}" in the zip: ${problem}`;
    count += 1;
    declared += file.originalSize;
    return false;
  });
  if (unsafe) throw new ZipError(unsafe);
  if (count > limits.maxFiles)
    throw new ZipError(`the zip has ${count} files, more than the ${limits.maxFiles} allowed`);
  if (declared > limits.maxTotalBytes)
    throw new ZipError(`the zip expands to ${declared} bytes, more than the ${limits.maxTotalBytes} allowed`);
  // fflate inflates each entry into a buffer of its declared size, so the total cannot grow.
  const extracted = read((file) => !file.name.endsWith("/"));
  // fflate does not check CRCs: a flipped byte in a stored entry would load silently.
  for (const [name, expected] of centralDirectoryCrcs(bytes)) {
    const data = extracted[name];
    if (data && crc32(data) !== expected)
      throw new ZipError(`corrupt zip file: "${name}" fails its CRC-32 check`);
  }
  return new Map(Object.entries(extracted).map(([name, data]) => [name.replace(/\\/g, "/"), data]));
}

let crcTable: Uint32Array | undefined;

export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** CRC-32 of each entry from the central directory (empty for zip64 or an unreadable directory). */
function centralDirectoryCrcs(bytes: Uint8Array): Map<string, number> {
  const out = new Map<string, number>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end -= 1;
  if (end < 0) return out;
  const count = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  if (count === 0xffff || offset === 0xffffffff) return out;
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) return new Map();
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const name = decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
    out.set(name, view.getUint32(offset + 16, true));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}

/**
 * Drops one top-level folder shared by every entry ("my-model/config.json" -> "config.json"),
 * so a zipped folder and a zip of its contents load alike.
 */
export function stripCommonFolder(files: Map<string, Uint8Array>): Map<string, Uint8Array> {
  const names = [...files.keys()];
  if (names.length === 0) return files;
  const first = names[0].split("/")[0];
  if (!names.every((n) => n.includes("/") && n.split("/")[0] === first)) return files;
  return new Map([...files].map(([name, data]) => [name.slice(first.length + 1), data]));
}
