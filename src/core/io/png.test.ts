import { readFileSync } from "node:fs";
import { encode } from "fast-png";
import { describe, expect, it } from "vitest";
import type { RgbaImage } from "../clip/preprocess.js";
import { decodePng, encodePng, ImageDecodeError } from "./png.js";

const fixtures = new URL("../../../test/fixtures/", import.meta.url);
const readFixture = (rel: string) => new Uint8Array(readFileSync(new URL(rel, fixtures)));

describe("decodePng on the fixture PNGs", () => {
  const cases: [string, number, number, number][] = [
    ["hf_preprocess/wide.png", 57, 41, 3],
    ["hf_preprocess/tall.png", 29, 64, 3],
    ["hf_preprocess/big.png", 300, 180, 3],
    ["hf_preprocess/rgba.png", 48, 48, 4],
    ["hf_preprocess/gray.png", 40, 70, 1],
    ["hf_tiny_clip/image0.png", 32, 32, 3],
    ["hf_tiny_clip/image4.png", 32, 32, 3],
  ];
  for (const [file, width, height, channels] of cases) {
    it(`${file} is ${width}x${height} with ${channels} channel(s)`, () => {
      const img = decodePng(readFixture(file));
      expect([img.width, img.height, img.channels]).toEqual([width, height, channels]);
      expect(img.data).toBeInstanceOf(Uint8Array);
      expect(img.data.length).toBe(width * height * channels);
    });
  }

  it("keeps a real alpha channel in rgba.png", () => {
    const { data } = decodePng(readFixture("hf_preprocess/rgba.png"));
    const alphas = new Set(data.filter((_, i) => i % 4 === 3));
    expect(alphas.size).toBeGreaterThan(1);
  });
});

describe("encodePng / decodePng round trip", () => {
  for (const channels of [1, 2, 3, 4] as const) {
    it(`preserves ${channels}-channel 8-bit data`, () => {
      const data = Uint8Array.from({ length: 5 * 3 * channels }, (_, i) => (i * 37) % 256);
      const img: RgbaImage = { width: 5, height: 3, data, channels };
      const back = decodePng(encodePng(img));
      expect(back).toEqual({ width: 5, height: 3, data, channels });
    });
  }
});

describe("decodePng reduces other PNG formats to 8 bits like Pillow", () => {
  it("expands a palette, turning tRNS into alpha", () => {
    // fast-png writes tRNS for the leading non-opaque entries, so keep those first.
    const palette = [
      [10, 20, 30, 0],
      [200, 100, 0, 255],
      [1, 2, 3, 255],
    ];
    const png = encode({
      width: 3,
      height: 1,
      data: new Uint8Array([1, 0, 2]),
      depth: 8,
      channels: 1,
      palette,
    });
    const img = decodePng(png);
    expect(img.channels).toBe(4);
    expect(Array.from(img.data)).toEqual([200, 100, 0, 255, 10, 20, 30, 0, 1, 2, 3, 255]);
  });

  it("expands a 2-bit palette without transparency to RGB", () => {
    const palette = [
      [0, 0, 0],
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
    ];
    // Indices 3,2,1,0,1 packed 4 per byte, row padded: 0b11100100, 0b01000000.
    const data = new Uint8Array([0b11100100, 0b01000000]);
    const img = decodePng(encode({ width: 5, height: 1, data, depth: 2, channels: 1, palette }));
    expect(img.channels).toBe(3);
    expect(Array.from(img.data)).toEqual([0, 0, 255, 0, 255, 0, 255, 0, 0, 0, 0, 0, 255, 0, 0]);
  });

  it("scales 1-bit and 4-bit grey to 0..255", () => {
    const oneBit = decodePng(
      encode({ width: 3, height: 1, data: new Uint8Array([0b10100000]), depth: 1, channels: 1 }),
    );
    expect(Array.from(oneBit.data)).toEqual([255, 0, 255]);
    const fourBit = decodePng(
      encode({ width: 3, height: 1, data: new Uint8Array([0x0f, 0x70]), depth: 4, channels: 1 }),
    );
    expect(Array.from(fourBit.data)).toEqual([0, 255, 119]);
  });

  it("keeps the high byte of 16-bit RGB and grey+alpha", () => {
    const rgb = new Uint16Array([0x1234, 0xffff, 0x00ff]);
    const img = decodePng(encode({ width: 1, height: 1, data: rgb, depth: 16, channels: 3 }));
    expect([img.channels, ...img.data]).toEqual([3, 0x12, 0xff, 0x00]);
    const la = decodePng(
      encode({ width: 1, height: 1, data: new Uint16Array([0x8001, 0x4000]), depth: 16, channels: 2 }),
    );
    expect([la.channels, ...la.data]).toEqual([2, 0x80, 0x40]);
  });

  it("clamps 16-bit grey to 255 (Pillow's I;16 -> RGB conversion), not >> 8", () => {
    const grey = new Uint16Array([0, 200, 255, 256, 65535]);
    const img = decodePng(encode({ width: 5, height: 1, data: grey, depth: 16, channels: 1 }));
    expect([img.channels, ...img.data]).toEqual([1, 0, 200, 255, 255, 255]);
  });
});

describe("decodePng on bad input", () => {
  const good = readFixture("hf_preprocess/wide.png");

  it("rejects non-PNG bytes", () => {
    expect(() => decodePng(new TextEncoder().encode("GIF89a not a png"))).toThrow(ImageDecodeError);
    expect(() => decodePng(new Uint8Array(0))).toThrow(/not a PNG file/);
  });

  it("rejects truncated data with a one-line message", () => {
    for (const cut of [12, 40, good.length - 30]) {
      const attempt = () => decodePng(good.subarray(0, cut));
      expect(attempt).toThrow(ImageDecodeError);
      expect(attempt).toThrow(/^corrupt or truncated PNG: \S.*$/);
    }
  });

  it("rejects a corrupted chunk (CRC check)", () => {
    const bad = good.slice();
    bad[60] ^= 0xff;
    expect(() => decodePng(bad)).toThrow(/corrupt or truncated PNG: CRC mismatch/);
  });
});
