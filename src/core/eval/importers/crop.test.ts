import { describe, expect, it } from "vitest";
import { cropImage, roundHalfEven } from "./crop.js";

// 3x2 grey image: values 1..6 row by row.
const grey = { width: 3, height: 2, data: Uint8Array.from([1, 2, 3, 4, 5, 6]), channels: 1 as const };

describe("cropImage (PIL Image.crop semantics)", () => {
  it("cuts the box out of the image", () => {
    expect(cropImage(grey, { x: 1, y: 0, width: 2, height: 2 })).toEqual({
      width: 2,
      height: 2,
      data: Uint8Array.from([2, 3, 5, 6]),
      channels: 1,
    });
  });

  it("fills the part outside the image with zeros", () => {
    const out = cropImage(grey, { x: -1, y: 1, width: 3, height: 2 });
    expect([...out.data]).toEqual([0, 4, 5, 0, 0, 0]);
    const rgb = { width: 1, height: 1, data: Uint8Array.from([9, 8, 7]), channels: 3 as const };
    expect([...cropImage(rgb, { x: 0, y: 0, width: 2, height: 1 }).data]).toEqual([9, 8, 7, 0, 0, 0]);
    expect([...cropImage(grey, { x: 5, y: 5, width: 1, height: 1 }).data]).toEqual([0]);
  });

  it("rounds corners half to even, as Python's round()", () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 2, 3]);
    // x0 = round(0.5) = 0, x1 = round(2.5) = 2: two columns.
    expect(cropImage(grey, { x: 0.5, y: 0, width: 2, height: 1 }).data).toEqual(Uint8Array.from([1, 2]));
  });

  it("rejects an empty box", () => {
    expect(() => cropImage(grey, { x: 1, y: 1, width: 0, height: 3 })).toThrow("is empty");
  });
});
