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

/** An entry name for a message: escaped (a hostile name may hold newlines) and cut short. */
function quoted(name: string): string {
  const text = JSON.stringify(name);
  return text.length > 80 ? `${text.slice(0, 79)}…"` : text;
}

function isZip(bytes: Uint8Array): boolean {
  // Local file header "PK\3\4", or an empty archive's end-of-central-directory "PK\5\6".
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

/** One file entry of a zip's central directory (directories are left out). */
export interface ZipEntry {
  /** The name as stored (what `extractZipEntries` takes). */
  name: string;
  /** The name with "/" separators (what extracted maps are keyed by). */
  path: string;
  /** Declared uncompressed size. */
  size: number;
}

/** Smallest central-directory record: a claimed entry count above bytes / 46 cannot be real. */
const MIN_CENTRAL_RECORD = 46;

/**
 * The entry count the end-of-central-directory record claims (zip64 included), or undefined
 * when there is none. fflate loops over the claimed count, so a forged count of 2^32 would
 * spin for minutes: it is checked against the archive's size first.
 */
function claimedEntryCount(bytes: Uint8Array): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let end = bytes.length - 22; end >= 0 && bytes.length - end <= 65558; end--) {
    if (view.getUint32(end, true) !== 0x06054b50) continue;
    let count = view.getUint16(end + 8, true);
    if (end >= 20 && view.getUint32(end - 20, true) === 0x07064b50) {
      const zip64End = Number(view.getBigUint64(end - 12, true));
      if (zip64End + 40 <= bytes.length && view.getUint32(zip64End, true) === 0x06064b50)
        count = Number(view.getBigUint64(zip64End + 32, true));
    }
    return count;
  }
  return undefined;
}

function readCentralDirectory(
  bytes: Uint8Array,
  filter: (file: { name: string; originalSize: number }) => boolean,
): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes, { filter });
  } catch (e) {
    throw new ZipError(`corrupt or truncated zip file: ${(e as Error).message}`);
  }
}

/**
 * The file entries of a zip from its central directory, nothing decompressed. Throws
 * ZipError on a non-zip, an unsafe name, or more than `maxFiles` files.
 */
export function listZipEntries(bytes: Uint8Array, maxFiles: number): ZipEntry[] {
  if (bytes.length === 0) throw new ZipError("the zip file is empty");
  if (!isZip(bytes)) throw new ZipError("not a zip file (no zip signature at the start)");
  const claimed = claimedEntryCount(bytes);
  if (claimed !== undefined && claimed * MIN_CENTRAL_RECORD > bytes.length)
    throw new ZipError(`corrupt zip file: it claims ${claimed} entries but has only ${bytes.length} bytes`);
  const entries: ZipEntry[] = [];
  let unsafe: string | undefined;
  readCentralDirectory(bytes, (file) => {
    if (file.name.endsWith("/")) return false;
    const problem = unsafeNameReason(file.name);
    if (problem) unsafe ??= `unsafe entry ${quoted(file.name)} in the zip: ${problem}`;
    entries.push({ name: file.name, path: file.name.replace(/\\/g, "/"), size: file.originalSize });
    return false;
  });
  if (unsafe) throw new ZipError(unsafe);
  if (entries.length > maxFiles)
    throw new ZipError(`the zip has ${entries.length} files, more than the ${maxFiles} allowed`);
  return entries;
}

/**
 * Decompresses the entries named in `names` (stored names, from listZipEntries), keyed by
 * their "/" path, after checking that their declared sizes total at most `maxTotalBytes`.
 * fflate inflates each entry into a buffer of its declared size, so the total cannot grow.
 */
export function extractZipEntries(
  bytes: Uint8Array,
  names: ReadonlySet<string>,
  maxTotalBytes: number,
): Map<string, Uint8Array> {
  let declared = 0;
  readCentralDirectory(bytes, (file) => {
    if (names.has(file.name)) declared += file.originalSize;
    return false;
  });
  if (declared > maxTotalBytes)
    throw new ZipError(`the zip expands to ${declared} bytes, more than the ${maxTotalBytes} allowed`);
  const extracted = readCentralDirectory(bytes, (file) => names.has(file.name));
  // fflate does not check CRCs: a flipped byte in a stored entry would load silently.
  for (const [name, expected] of centralDirectoryCrcs(bytes)) {
    const data = extracted[name];
    if (data && crc32(data) !== expected)
      throw new ZipError(`corrupt zip file: ${quoted(name)} fails its CRC-32 check`);
  }
  return new Map(Object.entries(extracted).map(([name, data]) => [name.replace(/\\/g, "/"), data]));
}

/** Extracts every file of a zip; throws ZipError naming the problem on anything unexpected. */
export function unzipFiles(bytes: Uint8Array, limits: UnzipLimits): Map<string, Uint8Array> {
  const entries = listZipEntries(bytes, limits.maxFiles);
  return extractZipEntries(bytes, new Set(entries.map((e) => e.name)), limits.maxTotalBytes);
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
