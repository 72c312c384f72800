import fc from "fast-check";
import { encode } from "fast-png";
import { describe, expect, it } from "vitest";
import { expectAcceptedOrRefused, expectRefused, fuzzRuns } from "../fuzzing.js";
import { decodePng, ImageDecodeError, MAX_PNG_PIXELS } from "./png.js";
import { crc32 } from "./zip.js";

/** Hostile PNGs: bombs, forged headers, broken chunks. Each must be refused, fast. */

const refuse = (bytes: Uint8Array) => expectRefused(() => decodePng(bytes), [ImageDecodeError]);
const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** A decoded image must be exactly what its size says. */
function mayDecode(bytes: Uint8Array): void {
  const result = expectAcceptedOrRefused(() => decodePng(bytes), [ImageDecodeError]);
  if (!result.ok) return;
  const { width, height, channels, data } = result.value;
  expect(width * height).toBeLessThanOrEqual(MAX_PNG_PIXELS);
  expect(data.length).toBe(width * height * channels);
}

/** Small valid PNGs of every channel count at 8 and 16 bits. */
const validPng = fc
  .record({
    width: fc.integer({ min: 1, max: 12 }),
    height: fc.integer({ min: 1, max: 12 }),
    channels: fc.integer({ min: 1, max: 4 }),
    depth: fc.constantFrom(8 as const, 16 as const),
    seed: fc.nat(),
  })
  .map(({ width, height, channels, depth, seed }) => {
    const size = width * height * channels;
    const data = depth === 8 ? new Uint8Array(size) : new Uint16Array(size);
    for (let i = 0; i < size; i++) data[i] = (seed + i * 2654435761) % (depth === 8 ? 256 : 65536);
    return encode({ width, height, channels, depth, data });
  });

/** One chunk with a correct CRC. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function ihdr(width: number, height: number, depth: number, colourType: number): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data[8] = depth;
  data[9] = colourType;
  return chunk("IHDR", data);
}

/** A PNG with the header of the valid one replaced (the CRC kept right, so only the values are wrong). */
function withHeader(png: Uint8Array, header: Uint8Array): Uint8Array {
  return Uint8Array.from([...SIGNATURE, ...header, ...png.subarray(33)]);
}

const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe("PNG: hostile and broken images are refused with an ImageDecodeError", () => {
  it("bytes that are not a PNG, or a signature followed by junk", () => {
    const junk = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((rest) => Uint8Array.from([...SIGNATURE, ...rest])),
    );
    fc.assert(
      fc.property(junk, (bytes) => void refuse(bytes)),
      fuzzRuns(40),
    );
  });

  it("decompression bombs: a tiny file declaring a huge image is refused before allocating", () => {
    const huge = fc
      .tuple(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }))
      .filter(([w, h]) => w * h > MAX_PNG_PIXELS);
    fc.assert(
      fc.property(validPng, huge, fc.constantFrom(0, 2, 6), (png, [w, h], colourType) => {
        const bomb = withHeader(png, ihdr(w, h, 8, colourType));
        expect(refuse(bomb).message).toMatch(/more than the limit/);
      }),
      fuzzRuns(40),
    );
  });

  it("headers with impossible depths, colour types or a zero size", () => {
    const header = fc.oneof(
      fc
        .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
        .filter(([depth, type]) => ![1, 2, 4, 8, 16].includes(depth) || ![0, 2, 3, 4, 6].includes(type))
        .map(([depth, type]) => ihdr(4, 4, depth, type)),
      fc.constantFrom([0, 4], [4, 0], [0, 0]).map(([w, h]) => ihdr(w, h, 8, 2)),
    );
    fc.assert(
      fc.property(validPng, header, (png, h) => void refuse(withHeader(png, h))),
      fuzzRuns(40),
    );
  });

  it("a header whose size no longer matches the pixel data", () => {
    fc.assert(
      fc.property(validPng, fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 64 }), (png, w, h) => {
        const view = new DataView(png.buffer, png.byteOffset);
        const [depth, type] = [png[24], png[25]];
        fc.pre(w !== view.getUint32(16) || h !== view.getUint32(20));
        mayDecode(withHeader(png, ihdr(w, h, depth, type)));
      }),
      fuzzRuns(40),
    );
  });

  it("an indexed image without its palette", () => {
    const grey = fc
      .tuple(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.uint8Array({ minLength: 144, maxLength: 144 }),
      )
      .map(([width, height, data]) => ({
        width,
        height,
        png: encode({ width, height, channels: 1, depth: 8, data: data.subarray(0, width * height) }),
      }));
    fc.assert(
      fc.property(grey, ({ width, height, png }) => {
        // Same samples, read as palette indices: only the missing PLTE chunk is wrong.
        expect(refuse(withHeader(png, ihdr(width, height, 8, 3))).message).toMatch(/without a palette/);
      }),
      fuzzRuns(10),
    );
  });

  it("a valid PNG truncated anywhere, or with flipped bytes", () => {
    const damage = fc.oneof(
      fc
        .double({ min: 0, max: 1, noNaN: true })
        .map((at) => (png: Uint8Array) => png.subarray(0, Math.floor(at * (png.length - 1)))),
      fc
        .array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 })
        .map((flips) => (png: Uint8Array) => {
          const out = png.slice();
          for (const [at, xor] of flips) out[at % out.length] ^= xor;
          return out;
        }),
    );
    fc.assert(
      fc.property(validPng, damage, (png, apply) => void mayDecode(apply(png))),
      fuzzRuns(50),
    );
  });

  it("chunk soup: random chunks with valid CRCs around the header", () => {
    const randomChunk = fc
      .tuple(fc.stringMatching(/^[A-Za-z]{4}$/), fc.uint8Array({ maxLength: 40 }))
      .map(([type, data]) => chunk(type, data));
    fc.assert(
      fc.property(validPng, fc.array(randomChunk, { maxLength: 5 }), (png, extra) => {
        const header = png.subarray(8, 33);
        mayDecode(concat(Uint8Array.from(SIGNATURE), header, ...extra, chunk("IEND", new Uint8Array(0))));
      }),
      fuzzRuns(30),
    );
  });
});
