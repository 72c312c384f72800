import fc from "fast-check";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { expectAcceptedOrRefused, expectRefused, fuzzRuns } from "../fuzzing.js";
import { unsafeNameReason, unzipFiles, ZipError, zipFiles } from "./zip.js";

/** Hostile zips: bombs, traversal, forged directories. Each must be refused, fast. */

const LIMITS = { maxTotalBytes: 1 << 20, maxFiles: 16 };
const encoder = new TextEncoder();
const unzip = (bytes: Uint8Array) => unzipFiles(bytes, LIMITS);
const refuse = (bytes: Uint8Array) => expectRefused(() => unzip(bytes), [ZipError]);
const mayLoad = (bytes: Uint8Array) => expectAcceptedOrRefused(() => unzip(bytes), [ZipError]);

const CENTRAL = 0x02014b50;

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const endRecord = (bytes: Uint8Array) => bytes.length - 22; // our archives carry no comment

/** Offsets of the central-directory records of an archive without a comment. */
function centralRecords(bytes: Uint8Array): number[] {
  const v = view(bytes);
  const end = endRecord(bytes);
  const offsets: number[] = [];
  let at = v.getUint32(end + 16, true);
  for (let i = 0; i < v.getUint16(end + 10, true); i++) {
    expect(v.getUint32(at, true)).toBe(CENTRAL);
    offsets.push(at);
    at += 46 + v.getUint16(at + 28, true) + v.getUint16(at + 30, true) + v.getUint16(at + 32, true);
  }
  return offsets;
}

/** Small valid archives: 1-5 files with safe names, some deflated, some stored. */
const validZip = fc
  .uniqueArray(
    fc.record({
      name: fc.stringMatching(/^[a-z]{1,6}(\/[a-z]{1,6})?\.(json|txt|safetensors)$/),
      data: fc.uint8Array({ maxLength: 300 }),
    }),
    { minLength: 1, maxLength: 5, selector: (f) => f.name },
  )
  .map((files) => zipFiles(new Map(files.map((f) => [f.name, f.data]))));

const safeName = fc.stringMatching(/^[a-z]{1,8}$/);

/** Names that would write outside the extraction folder. */
const traversalName = fc.oneof(
  safeName.map((s) => `../${s}`),
  fc.tuple(safeName, safeName).map(([a, b]) => `${a}/../../${b}`),
  fc.tuple(safeName, fc.integer({ min: 1, max: 6 })).map(([s, n]) => `${"../".repeat(n)}${s}`),
  safeName.map((s) => `..\\..\\${s}`),
  safeName.map((s) => `/${s}`),
  safeName.map((s) => `\\${s}`),
  safeName.map((s) => `C:/${s}`),
  safeName.map((s) => `c:\\Windows\\${s}`),
  fc.tuple(safeName, safeName).map(([a, b]) => `${a}\0${b}`),
  fc.constantFrom("..", "a/..", "\\", "a\\..\\..\\b"),
  // Long names and control characters must not flood or break the one-line message. (A name
  // ending in "/" is a directory entry: skipped, nothing is extracted.)
  fc.string({ unit: "binary", maxLength: 300 }).map((s) => `../${s}x`),
);

/** The archive with one entry's declared uncompressed size replaced, in both headers. */
function withDeclaredSize(bytes: Uint8Array, entry: number, size: number): Uint8Array {
  const out = bytes.slice();
  const v = view(out);
  const records = centralRecords(out);
  const at = records[entry % records.length];
  v.setUint32(at + 24, size, true);
  v.setUint32(v.getUint32(at + 42, true) + 22, size, true);
  return out;
}

describe("zip: hostile archives are refused with a ZipError", () => {
  it("random bytes behind a zip signature", () => {
    const junk = fc
      .tuple(fc.constantFrom([0x50, 0x4b, 3, 4], [0x50, 0x4b, 5, 6]), fc.uint8Array({ maxLength: 300 }))
      .map(([sig, rest]) => Uint8Array.from([...sig, ...rest]))
      .filter((b) => !Buffer.from(b).includes(Buffer.from([0x50, 0x4b, 5, 6]), 1));
    fc.assert(
      fc.property(junk, (bytes) => void refuse(bytes)),
      fuzzRuns(30),
    );
  });

  it("a valid archive truncated anywhere", () => {
    fc.assert(
      fc.property(validZip, fc.double({ min: 0, max: 1, noNaN: true }), (bytes, at) => {
        refuse(bytes.subarray(0, Math.min(bytes.length - 1, Math.floor(at * bytes.length))));
      }),
      fuzzRuns(30),
    );
  });

  it("path traversal, absolute paths, drive letters and NUL in entry names", () => {
    fc.assert(
      fc.property(traversalName, fc.uint8Array({ maxLength: 16 }), (name, data) => {
        expect(unsafeNameReason(name)).toBeDefined();
        const bytes = zipSync({ "config.json": encoder.encode("{}"), [name]: data });
        expect(refuse(bytes).message).toMatch(/unsafe entry/);
      }),
      fuzzRuns(40),
    );
  });

  it("more files than allowed", () => {
    fc.assert(
      fc.property(fc.integer({ min: LIMITS.maxFiles + 1, max: LIMITS.maxFiles + 60 }), (count) => {
        const files: Record<string, Uint8Array> = {};
        for (let i = 0; i < count; i++) files[`f${i}.txt`] = Uint8Array.of(i & 0xff);
        expect(refuse(zipSync(files)).message).toMatch(new RegExp(`has ${count} files, more than`));
      }),
      fuzzRuns(10),
    );
  });

  it("declared sizes beyond the limit (a bomb's headers) are refused before inflating", () => {
    fc.assert(
      fc.property(
        validZip,
        fc.nat(),
        fc.integer({ min: LIMITS.maxTotalBytes + 1, max: 0xffff_fffe }),
        (bytes, entry, size) => {
          expect(refuse(withDeclaredSize(bytes, entry, size)).message).toMatch(/expands to \d+ bytes/);
        },
      ),
      fuzzRuns(30),
    );
  });

  it("real bombs: megabytes of zeros in a few kilobytes", () => {
    const zeros = new Uint8Array(8 * LIMITS.maxTotalBytes);
    fc.assert(
      fc.property(
        fc.integer({ min: LIMITS.maxTotalBytes + 1, max: zeros.length }),
        fc.nat(3),
        (size, extra) => {
          const files: Record<string, [Uint8Array, { level: 9 }]> = {};
          for (let i = 0; i <= extra; i++) files[`layer${i}.bin`] = [zeros.subarray(0, size), { level: 9 }];
          const bomb = zipSync(files);
          expect(bomb.length).toBeLessThan(size / 100);
          expect(refuse(bomb).message).toMatch(/expands to \d+ bytes/);
        },
      ),
      fuzzRuns(6),
    );
  });

  it("bombs that lie: a small declared size over a large deflate stream", () => {
    const zeros = new Uint8Array(LIMITS.maxTotalBytes * 4);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4096 }), (declared) => {
        const bomb = withDeclaredSize(zipSync({ "model.safetensors": [zeros, { level: 9 }] }), 0, declared);
        refuse(bomb);
      }),
      fuzzRuns(6),
    );
  });

  it("forged entry counts, zip64 records included, never make the reader loop", () => {
    fc.assert(
      fc.property(
        validZip,
        fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constant(0xffff)),
        fc.option(fc.bigInt({ min: 2n ** 16n, max: 2n ** 64n - 1n })),
        (bytes, count16, count64) => {
          const end = endRecord(bytes);
          let forged = bytes.slice();
          view(forged).setUint16(end + 8, count16, true);
          view(forged).setUint16(end + 10, count16, true);
          if (count64 !== null) {
            // A zip64 end record and locator in front of the classic end record.
            const zip64 = new Uint8Array(56 + 20);
            const z = view(zip64);
            z.setUint32(0, 0x06064b50, true);
            z.setBigUint64(24, count64, true);
            z.setBigUint64(32, count64, true);
            z.setBigUint64(48, BigInt(view(bytes).getUint32(end + 16, true)), true);
            z.setUint32(56, 0x07064b50, true);
            z.setBigUint64(64, BigInt(end), true);
            forged = Uint8Array.from([...forged.subarray(0, end), ...zip64, ...forged.subarray(end)]);
          }
          const result = mayLoad(forged);
          if (count64 !== null) expect(result.ok).toBe(false);
        },
      ),
      fuzzRuns(30),
    );
  });

  it("random byte flips: loaded only with safe names, within the limits", () => {
    fc.assert(
      fc.property(
        validZip,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }),
        (bytes, flips) => {
          const mutated = bytes.slice();
          for (const [at, xor] of flips) mutated[at % mutated.length] ^= xor;
          const result = mayLoad(mutated);
          if (!result.ok) return;
          expect(result.value.size).toBeLessThanOrEqual(LIMITS.maxFiles);
          let total = 0;
          for (const [name, data] of result.value) {
            expect(unsafeNameReason(name)).toBeUndefined();
            total += data.length;
          }
          expect(total).toBeLessThanOrEqual(LIMITS.maxTotalBytes);
        },
      ),
      fuzzRuns(50),
    );
  });

  it("a central directory overwritten with junk", () => {
    fc.assert(
      fc.property(validZip, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 46 }), (bytes, pick, junk) => {
        const records = centralRecords(bytes);
        const at = records[pick % records.length];
        const mutated = bytes.slice();
        mutated.set(junk.subarray(0, Math.max(0, endRecord(bytes) - at)), at);
        const result = mayLoad(mutated);
        if (result.ok) for (const name of result.value.keys()) expect(unsafeNameReason(name)).toBeUndefined();
      }),
      fuzzRuns(30),
    );
  });
});
