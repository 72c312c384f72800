import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { encodePng } from "../../core/io/png.js";
import { decodeCliImage } from "./evalImages.js";

/** A 16x8 image: left half red, right half blue. */
function halves(): { width: number; height: number; data: Uint8Array; channels: 4 } {
  const width = 16;
  const height = 8;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data.set(x < width / 2 ? [255, 0, 0, 255] : [0, 0, 255, 255], i);
    }
  return { width, height, data, channels: 4 };
}

describe("decodeCliImage", () => {
  it("decodes a JPEG to RGBA pixels close to the encoded ones", () => {
    const image = halves();
    const bytes = jpeg.encode(image, 95).data;
    const decoded = decodeCliImage(new Uint8Array(bytes));
    expect([decoded.width, decoded.height]).toEqual([16, 8]);
    const at = (x: number, y: number) =>
      Array.from(decoded.data.slice((y * 16 + x) * 4, (y * 16 + x) * 4 + 3));
    // JPEG is lossy: away from the edge the colours come back within a few levels.
    const error = (got: number[], want: number[]) => Math.max(...got.map((v, c) => Math.abs(v - want[c])));
    expect(error(at(2, 4), [255, 0, 0])).toBeLessThanOrEqual(8);
    expect(error(at(13, 4), [0, 0, 255])).toBeLessThanOrEqual(8);
  });

  it("names a truncated JPEG as corrupt", () => {
    const bytes = new Uint8Array(jpeg.encode(halves(), 90).data).slice(0, 40);
    expect(() => decodeCliImage(bytes)).toThrow(/^corrupt JPEG \(/);
  });

  it("still decodes PNG", () => {
    const image = halves();
    const decoded = decodeCliImage(encodePng(image));
    expect(Array.from(decoded.data.slice(0, 4))).toEqual([255, 0, 0, 255]);
  });
});
