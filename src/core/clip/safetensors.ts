/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length, a JSON header, then one data section that the tensors cover exactly.
 * Floats are decoded into fresh Float32Arrays (copies), so data offsets need no alignment and
 * the result does not alias the file; F16/BF16 go through DataView, little-endian explicitly.
 */

export type FloatDtype = "F32" | "F16" | "BF16";

export interface SafetensorsTensor {
  dtype: FloatDtype;
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, SafetensorsTensor>;
  metadata: Record<string, string>;
  /** Tensors left out on purpose: integer buffers such as `text_model.embeddings.position_ids`. */
  skipped: string[];
}

export interface TensorToWrite {
  shape: number[];
  data: Float32Array;
}

export class SafetensorsError extends Error {
  override name = "SafetensorsError";
}

/** The same limit as the reference implementation: a bigger header is a broken or hostile file. */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = "__metadata__";
const READ_DTYPES = new Set<string>(["F32", "F16", "BF16"]);
const SKIPPED_DTYPES = new Set<string>(["I64"]);
const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

function fail(message: string): never {
  throw new SafetensorsError(`safetensors: ${message}`);
}

/** Values and names quoted in messages are cut short: a hostile header can hold megabytes. */
const SHOWN_CHARS = 80;

function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = "(too deeply nested to show)"; // JSON.stringify recursion overflows the stack
  }
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

function parseShape(name: string, shape: unknown): number[] {
  if (shape === undefined) fail(`tensor ${show(name)}: shape is missing`);
  if (!Array.isArray(shape)) fail(`tensor ${show(name)}: shape must be an array, got ${show(shape)}`);
  for (const dim of shape) {
    if (typeof dim !== "number") fail(`tensor ${show(name)}: shape ${show(shape)} has non-number dimension`);
    if (dim < 0) fail(`tensor ${show(name)}: shape ${show(shape)} has negative dimension ${dim}`);
    if (!Number.isInteger(dim))
      fail(`tensor ${show(name)}: shape ${show(shape)} has non-integer dimension ${dim}`);
    if (!Number.isSafeInteger(dim))
      fail(`tensor ${show(name)}: shape ${show(shape)} has a too large dimension ${dim}`);
  }
  return shape as number[];
}

function parseOffsets(name: string, offsets: unknown): [number, number] {
  if (offsets === undefined) fail(`tensor ${show(name)}: data_offsets is missing`);
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    fail(`tensor ${show(name)}: data_offsets must be [begin, end], got ${show(offsets)}`);
  }
  const [begin, end] = offsets;
  for (const offset of offsets) {
    if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) {
      fail(`tensor ${show(name)}: data_offsets ${show(offsets)} must be non-negative integers`);
    }
  }
  if (begin > end) fail(`tensor ${show(name)}: data_offsets ${show(offsets)} begin is after end`);
  return [begin, end];
}

function parseEntry(name: string, raw: unknown, dataBytes: number): Entry {
  if (!isRecord(raw)) fail(`tensor ${show(name)}: entry must be an object, got ${show(raw)}`);
  const { dtype } = raw;
  if (dtype === undefined) fail(`tensor ${show(name)}: dtype is missing`);
  if (typeof dtype !== "string") fail(`tensor ${show(name)}: dtype must be a string, got ${show(dtype)}`);
  const elementBytes = DTYPE_BYTES[dtype];
  if (elementBytes === undefined) fail(`tensor ${show(name)}: unknown dtype ${show(dtype)}`);
  if (!READ_DTYPES.has(dtype) && !SKIPPED_DTYPES.has(dtype)) {
    fail(`tensor ${show(name)}: unsupported dtype ${dtype} (F32, F16 and BF16 are read, I64 is skipped)`);
  }
  const shape = parseShape(name, raw.shape);
  const [begin, end] = parseOffsets(name, raw.data_offsets);
  if (end > dataBytes) {
    fail(
      `tensor ${show(name)}: data_offsets [${begin}, ${end}] extend past the data section (${dataBytes} bytes)`,
    );
  }
  const needed = shape.reduce((n, d) => n * d, 1) * elementBytes;
  if (!Number.isSafeInteger(needed)) {
    fail(`tensor ${show(name)}: shape ${show(shape)} of ${dtype} is too large (over 2^53 bytes)`);
  }
  if (needed !== end - begin) {
    fail(
      `tensor ${show(name)}: shape ${show(shape)} of ${dtype} needs ${needed} bytes, ` +
        `but data_offsets [${begin}, ${end}] hold ${end - begin}`,
    );
  }
  return { name, dtype, shape, begin, end };
}

/** The tensors must tile the data section: no overlap, no gap, no unused tail (as the reference checks). */
function checkCoverage(entries: Entry[], dataBytes: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Entry | undefined;
  for (const entry of sorted) {
    if (entry.begin < covered && previous) {
      fail(
        `tensors ${show(previous.name)} [${previous.begin}, ${previous.end}] and ` +
          `${show(entry.name)} [${entry.begin}, ${entry.end}] overlap`,
      );
    }
    if (entry.begin > covered) {
      const where = previous ? `after tensor ${show(previous.name)} (ends at ${covered})` : "at the start";
      fail(
        `gap of ${entry.begin - covered} bytes ${where} before tensor ${show(entry.name)} (starts at ${entry.begin})`,
      );
    }
    covered = entry.end;
    previous = entry;
  }
  if (covered !== dataBytes) {
    const after = previous ? ` after tensor ${show(previous.name)} (ends at ${covered})` : " (no tensors)";
    fail(`data section has ${dataBytes - covered} unused bytes${after}; it is ${dataBytes} bytes long`);
  }
}

function parseHeader(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    fail(`header length ${headerLength} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  }
  const length = Number(headerLength);
  if (8 + length > bytes.length) {
    fail(`header length ${length} exceeds the ${bytes.length - 8} bytes after the length prefix`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + length));
  } catch {
    fail("header is not valid UTF-8");
  }
  // The format requires "{" first; writers pad the end with spaces, which JSON.parse accepts.
  if (!text.startsWith("{")) fail(`header must start with "{", found ${show(text.slice(0, 16))}`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid JSON: ${(e as Error).message}`);
  }
  if (!isRecord(header)) fail("header is not a JSON object");
  return { header, dataStart: 8 + length };
}

function parseMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (!isRecord(raw)) fail(`${METADATA_KEY} must be an object of strings, got ${show(raw)}`);
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== "string") {
      fail(`${METADATA_KEY} must be an object of strings; ${show(key)} is ${show(value)}`);
    }
  }
  return { ...(raw as Record<string, string>) };
}

let halfTable: Uint32Array | undefined;

/** IEEE half -> single, as float32 bits: exact for subnormals, infinities and NaN payloads. */
function halfToFloatBits(half: number): number {
  const sign = (half & 0x8000) << 16;
  const exponent = (half >>> 10) & 0x1f;
  let mantissa = half & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0;
  // Subnormal half (mantissa * 2^-24): normalise it, since every one is a normal float32.
  let e = -14;
  while ((mantissa & 0x400) === 0) {
    mantissa <<= 1;
    e -= 1;
  }
  return (sign | ((e + 127) << 23) | ((mantissa & 0x3ff) << 13)) >>> 0;
}

function halfToFloatTable(): Uint32Array {
  if (!halfTable) {
    halfTable = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloatBits(h);
  }
  return halfTable;
}

/** On little-endian hosts (all browsers in practice) F32 bytes are copied as they are. */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Decodes `count` elements at `offset` into float32 bit patterns, then views them as floats. */
function decode(bytes: Uint8Array, offset: number, count: number, dtype: FloatDtype): Float32Array {
  if (dtype === "F32" && HOST_IS_LITTLE_ENDIAN) {
    return new Float32Array(bytes.slice(offset, offset + 4 * count).buffer); // slice copies: aligned
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bits = new Uint32Array(count);
  if (dtype === "F32") {
    for (let i = 0; i < count; i++) bits[i] = view.getUint32(offset + 4 * i, true);
  } else if (dtype === "BF16") {
    for (let i = 0; i < count; i++) bits[i] = view.getUint16(offset + 2 * i, true) << 16;
  } else {
    const table = halfToFloatTable();
    for (let i = 0; i < count; i++) bits[i] = table[view.getUint16(offset + 2 * i, true)];
  }
  return new Float32Array(bits.buffer);
}

/** Parses and validates a whole .safetensors file; every problem is a SafetensorsError. */
export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  const { header, dataStart } = parseHeader(bytes);
  const dataBytes = bytes.length - dataStart;
  const metadata = parseMetadata(header[METADATA_KEY]);
  const entries = Object.entries(header)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, raw]) => parseEntry(name, raw, dataBytes));
  checkCoverage(entries, dataBytes);

  const tensors = new Map<string, SafetensorsTensor>();
  const skipped: string[] = [];
  for (const { name, dtype, shape, begin, end } of entries) {
    if (!READ_DTYPES.has(dtype)) {
      skipped.push(name);
      continue;
    }
    const floatDtype = dtype as FloatDtype;
    const count = (end - begin) / DTYPE_BYTES[dtype];
    tensors.set(name, {
      dtype: floatDtype,
      shape,
      data: decode(bytes, dataStart + begin, count, floatDtype),
    });
  }
  return { tensors, metadata, skipped };
}

/**
 * Writes F32 tensors as Hugging Face does: sorted by name, `__metadata__` first (format "pt"
 * unless overridden), header padded with spaces so the data section starts 8-byte aligned.
 */
export function writeSafetensors(
  tensors: Iterable<[string, TensorToWrite]>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const byName = new Map<string, TensorToWrite>();
  for (const [name, tensor] of tensors) {
    if (name === METADATA_KEY) fail(`"${METADATA_KEY}" cannot be a tensor name`);
    if (byName.has(name)) fail(`tensor "${name}" is given twice`);
    const { shape, data } = tensor;
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`tensor "${name}": shape ${show(shape)} must be non-negative integers`);
    }
    const size = shape.reduce((n, d) => n * d, 1);
    if (size !== data.length) {
      fail(`tensor "${name}": shape ${show(shape)} needs ${size} values, data has ${data.length}`);
    }
    byName.set(name, tensor);
  }
  const names = [...byName.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  const header: Record<string, unknown> = { [METADATA_KEY]: { format: "pt", ...metadata } };
  let dataBytes = 0;
  for (const name of names) {
    const { shape, data } = byName.get(name)!;
    header[name] = { dtype: "F32", shape, data_offsets: [dataBytes, dataBytes + 4 * data.length] };
    dataBytes += 4 * data.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + dataBytes);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);

  let offset = 8 + headerLength;
  for (const name of names) {
    const { data } = byName.get(name)!;
    if (HOST_IS_LITTLE_ENDIAN) {
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
      offset += data.byteLength;
      continue;
    }
    // Bit patterns, not values, so NaN payloads survive the round trip.
    const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
    for (let i = 0; i < bits.length; i++, offset += 4) view.setUint32(offset, bits[i], true);
  }
  return out;
}
