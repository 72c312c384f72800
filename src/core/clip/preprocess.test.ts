import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodePng } from "../io/png.js";
import {
  CLIP_MEAN,
  CLIP_STD,
  type PreprocessOptions,
  preprocessImage,
  preprocessOptionsFor,
  type RgbaImage,
  resizeBicubic,
  resizeOutputSize,
  toRgb,
} from "./preprocess.js";

const fixtures = new URL("../../../test/fixtures/", import.meta.url);
const loadJson = (rel: string) => JSON.parse(readFileSync(new URL(rel, fixtures), "utf8"));
const loadPng = (rel: string) => decodePng(new Uint8Array(readFileSync(new URL(rel, fixtures))));

function diffStats(got: Float32Array, want: number[][][]): { max: number; mean: number } {
  const flat = want.flat(2);
  expect(got.length).toBe(flat.length);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < flat.length; i++) {
    const d = Math.abs(got[i] - flat[i]);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / flat.length };
}

// One uint8 step is 1 / 255 / std ~= 0.0142 normalised units; the hf_preprocess fixture
// stores values rounded to 5 decimals, so anything under 2e-5 means every byte matches PIL.
const BYTE_EXACT = 2e-5;

describe("preprocessImage vs HF CLIPImageProcessor (PIL backend)", () => {
  const expected = loadJson("hf_preprocess/expected.json");
  for (const size of [32, 64]) {
    (expected.files as string[]).forEach((file, i) => {
      it(`${file} at ${size} matches PIL byte for byte`, () => {
        const img = loadPng(`hf_preprocess/${file}`);
        const got = preprocessImage(img, preprocessOptionsFor(size));
        expect(got.length).toBe(3 * size * size);
        const { max, mean } = diffStats(got, expected[`pixel_values_${size}_pil`][i]);
        expect(max).toBeLessThan(BYTE_EXACT);
        expect(mean).toBeLessThan(5e-6);
      });
    });
  }

  it("tiny CLIP fixture images (32x32, no resize) match to float32 rounding", () => {
    const expectedTiny = loadJson("hf_tiny_clip/expected.json");
    for (let i = 0; i < 5; i++) {
      const got = preprocessImage(loadPng(`hf_tiny_clip/image${i}.png`), preprocessOptionsFor(32));
      const { max } = diffStats(got, expectedTiny.pixel_values[i]);
      expect(max).toBeLessThan(1e-6);
    }
  });
});

describe("resizeOutputSize (transformers get_resize_output_image_size)", () => {
  it("truncates the long side", () => {
    expect(resizeOutputSize(57, 41, 32)).toEqual({ width: 44, height: 32 }); // 44.49
    expect(resizeOutputSize(29, 64, 32)).toEqual({ width: 32, height: 70 }); // 70.62
    expect(resizeOutputSize(300, 180, 64)).toEqual({ width: 106, height: 64 }); // 106.67
    expect(resizeOutputSize(50, 50, 7)).toEqual({ width: 7, height: 7 });
  });
});

describe("toRgb (PIL convert('RGB'))", () => {
  it("drops alpha without compositing and replicates grey", () => {
    const rgba: RgbaImage = { width: 1, height: 1, data: new Uint8Array([200, 100, 50, 0]), channels: 4 };
    expect(Array.from(toRgb(rgba).data)).toEqual([200, 100, 50]);
    const la: RgbaImage = { width: 2, height: 1, data: new Uint8Array([7, 0, 9, 255]), channels: 2 };
    expect(Array.from(toRgb(la).data)).toEqual([7, 7, 7, 9, 9, 9]);
  });

  it("rejects data of the wrong length", () => {
    const bad: RgbaImage = { width: 2, height: 2, data: new Uint8Array(11), channels: 3 };
    expect(() => toRgb(bad)).toThrow(/expected 12/);
  });
});

describe("resizeBicubic (Pillow fixed-point bicubic)", () => {
  it("keeps a flat image flat and returns the input when the size is unchanged", () => {
    const flat: RgbaImage = { width: 13, height: 9, data: new Uint8Array(13 * 9 * 3).fill(173), channels: 3 };
    const down = resizeBicubic(flat, 5, 4);
    expect(down.width).toBe(5);
    expect(down.height).toBe(4);
    expect(new Set(down.data)).toEqual(new Set([173]));
    expect(resizeBicubic(flat, 13, 9).data).toBe(flat.data);
  });

  // Expected rows worked out by hand from Pillow's kernel (a = -0.5, support 2 at 2x up):
  // e.g. output 3 of [50,50,200,200] has center 1.75 and taps -0.0703125, 0.8671875,
  // 0.2265625, -0.0234375, giving 50 * 0.796875 + 200 * 0.203125 = 80.47 -> 80.
  const upscaleRow = (values: number[]) => {
    const data = new Uint8Array(values.flatMap((v) => [v, v, v]));
    const up = resizeBicubic({ width: values.length, height: 1, data, channels: 3 }, values.length * 2, 1);
    return Array.from(up.data.filter((_, i) => i % 3 === 0));
  };

  it("rings at an edge like Pillow's kernel (renormalised taps near the border)", () => {
    expect(upscaleRow([50, 50, 200, 200])).toEqual([50, 47, 40, 80, 170, 210, 203, 200]);
  });

  it("clips the ringing to 0..255", () => {
    expect(upscaleRow([0, 0, 255, 255])).toEqual([0, 0, 0, 52, 203, 255, 255, 255]);
  });
});

describe("preprocessImage details", () => {
  it("zero-pads (black) when the resized image is smaller than the crop, like HF center_crop", () => {
    const white: RgbaImage = { width: 4, height: 4, data: new Uint8Array(48).fill(255), channels: 3 };
    const opts: PreprocessOptions = { shortestEdge: 4, cropSize: 6, mean: [0, 0, 0], std: [1, 1, 1] };
    const out = preprocessImage(white, opts);
    // Rows/cols 1..4 hold the image (offset floor((4 - 6) / 2) = -1), the border is 0.
    expect(Array.from(out.subarray(0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(out.subarray(6, 12))).toEqual([0, 1, 1, 1, 1, 0]);
  });

  it("normalises with CLIP mean/std in float32", () => {
    const grey: RgbaImage = { width: 2, height: 2, data: new Uint8Array(4).fill(128), channels: 1 };
    const out = preprocessImage(grey, preprocessOptionsFor(2));
    const red = Math.fround(
      Math.fround(Math.fround(128 / 255) - Math.fround(CLIP_MEAN[0])) / Math.fround(CLIP_STD[0]),
    );
    expect(out[0]).toBe(red);
    expect(out[0]).toBeCloseTo(0.07634, 5); // (0.50196 - 0.48145) / 0.26863
    expect(out[4 * 2]).toBeCloseTo((128 / 255 - CLIP_MEAN[2]) / CLIP_STD[2], 6);
  });

  it("preprocessOptionsFor uses the same size for resize and crop", () => {
    expect(preprocessOptionsFor(224)).toEqual({
      shortestEdge: 224,
      cropSize: 224,
      mean: CLIP_MEAN,
      std: CLIP_STD,
    });
  });
});
