import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import {
  crc32,
  extractZipEntries,
  listZipEntries,
  stripCommonFolder,
  unsafeNameReason,
  unzipFiles,
  ZipError,
  zipFiles,
} from "./zip.js";

const LIMITS = { maxTotalBytes: 1 << 20, maxFiles: 16 };
const encoder = new TextEncoder();

function sampleFiles(): Map<string, Uint8Array> {
  const weights = new Uint8Array(4096);
  for (let i = 0; i < weights.length; i++) weights[i] = (i * 37) & 0xff;
  return new Map([
    ["config.json", encoder.encode('{"projection_dim": 32}\n')],
    ["model.safetensors", weights],
    ["README.md", encoder.encode("# card\n".repeat(100))],
    ["sub/folder/file.txt", encoder.encode("nested")],
    ["empty.txt", new Uint8Array(0)],
  ]);
}

describe("zipFiles / unzipFiles", () => {
  it("round-trips names and bytes exactly", () => {
    const files = sampleFiles();
    const back = unzipFiles(zipFiles(files), LIMITS);
    expect([...back.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [name, data] of files) expect(back.get(name), name).toEqual(data);
  });

  it("is deterministic (fixed timestamps)", () => {
    expect(zipFiles(sampleFiles())).toEqual(zipFiles(sampleFiles()));
  });

  it("refuses to write unsafe names", () => {
    expect(() => zipFiles(new Map([["../x", new Uint8Array(1)]]))).toThrow(ZipError);
  });

  it.each([
    ["../evil.txt", ".."],
    ["a/../../evil.txt", ".."],
    ["..\\evil.txt", ".."],
    ["/etc/passwd", "absolute"],
    ["C:/Windows/x", "drive"],
  ])("rejects the traversal name %s", (name, reason) => {
    expect(unsafeNameReason(name)).toContain(reason);
    const bytes = zipSync({ "config.json": encoder.encode("{}"), [name]: encoder.encode("x") });
    expect(() => unzipFiles(bytes, LIMITS)).toThrow(/unsafe entry/);
  });

  it("accepts ordinary relative names, including dots inside names", () => {
    expect(unsafeNameReason("a/b..c/model.safetensors")).toBeUndefined();
    expect(unsafeNameReason("./config.json")).toBeUndefined();
  });

  it("fails clearly on a corrupt zip", () => {
    const bytes = zipFiles(sampleFiles());
    expect(() => unzipFiles(new Uint8Array(0), LIMITS)).toThrow(/empty/);
    expect(() => unzipFiles(encoder.encode("not a zip at all"), LIMITS)).toThrow(/not a zip file/);
    expect(() => unzipFiles(bytes.slice(0, bytes.length >> 1), LIMITS)).toThrow(
      /corrupt or truncated zip file/,
    );
  });

  it("detects a flipped byte in a stored entry by its CRC", () => {
    const files = new Map([["model.safetensors", new Uint8Array(256).fill(7)]]);
    const bytes = zipFiles(files);
    // The stored data starts after the 30-byte local header and the name.
    const corrupted = bytes.slice();
    corrupted[30 + "model.safetensors".length + 10] ^= 0xff;
    expect(() => unzipFiles(corrupted, LIMITS)).toThrow(/CRC-32/);
  });

  it("enforces the file count and total size limits before extracting", () => {
    const bytes = zipFiles(sampleFiles());
    expect(() => unzipFiles(bytes, { maxTotalBytes: 100, maxFiles: 16 })).toThrow(
      /more than the 100 allowed/,
    );
    expect(() => unzipFiles(bytes, { maxTotalBytes: 1 << 20, maxFiles: 2 })).toThrow(/5 files/);
  });

  it("computes the standard CRC-32", () => {
    expect(crc32(encoder.encode("123456789"))).toBe(0xcbf43926);
  });
});

describe("stripCommonFolder", () => {
  it("drops a single shared top-level folder only", () => {
    const one = new Uint8Array([1]);
    expect([
      ...stripCommonFolder(
        new Map([
          ["m/config.json", one],
          ["m/model.safetensors", one],
        ]),
      ).keys(),
    ]).toEqual(["config.json", "model.safetensors"]);
    const mixed = new Map([
      ["m/config.json", one],
      ["README.md", one],
    ]);
    expect(stripCommonFolder(mixed)).toBe(mixed);
  });
});

describe("listZipEntries / extractZipEntries", () => {
  it("lists names and sizes without inflating, then extracts only the named entries", () => {
    const bytes = zipFiles(sampleFiles());
    const entries = listZipEntries(bytes, 16);
    expect(entries.map((e) => [e.path, e.size]).sort()).toEqual(
      [...sampleFiles()].map(([name, data]) => [name, data.length]).sort(),
    );
    const some = extractZipEntries(bytes, new Set(["config.json", "sub/folder/file.txt"]), 1 << 20);
    expect([...some.keys()].sort()).toEqual(["config.json", "sub/folder/file.txt"]);
    expect(new TextDecoder().decode(some.get("sub/folder/file.txt"))).toBe("nested");
    expect(() => extractZipEntries(bytes, new Set(["model.safetensors"]), 4095)).toThrow(
      "the zip expands to 4096 bytes, more than the 4095 allowed",
    );
  });

  it("refuses an end record claiming more entries than the file could hold", () => {
    const bytes = zipFiles(new Map([["a.txt", encoder.encode("a")]]));
    const view = new DataView(bytes.buffer);
    view.setUint16(bytes.length - 22 + 8, 60000, true);
    view.setUint16(bytes.length - 22 + 10, 60000, true);
    expect(() => listZipEntries(bytes, 100)).toThrow(
      `claims 60000 entries but has only ${bytes.length} bytes`,
    );
    expect(() => unzipFiles(bytes, LIMITS)).toThrow(ZipError);
  });
});
