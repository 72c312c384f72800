import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { preprocessCommand, preprocessFiles, toNestedChw } from "./preprocess.js";

const fixture = (rel: string) => fileURLToPath(new URL(`../../../test/fixtures/${rel}`, import.meta.url));
const tinyImages = [0, 1, 2, 3, 4].map((i) => fixture(`hf_tiny_clip/image${i}.png`));

function maxAbsDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

describe("preprocessFiles", () => {
  it("matches the HF pixel_values of the tiny CLIP fixture", async () => {
    const expected = JSON.parse(readFileSync(fixture("hf_tiny_clip/expected.json"), "utf8"));
    const got = await preprocessFiles(tinyImages, 32);
    expect(got).toHaveLength(5);
    got.forEach((values, i) => {
      expect(maxAbsDiff(Array.from(values), expected.pixel_values[i].flat(2))).toBeLessThan(1e-6);
    });
  });

  it("names the file it cannot read", async () => {
    const missing = fixture("hf_tiny_clip/nope.png");
    await expect(preprocessFiles([missing], 32)).rejects.toThrow(`cannot read image file ${missing}: ENOENT`);
  });

  it("names the file it cannot decode", async () => {
    const notPng = fixture("hf_tiny_clip/vocab.json");
    await expect(preprocessFiles([notPng], 32)).rejects.toThrow(
      /cannot preprocess .*vocab\.json: not a PNG file/,
    );
  });
});

describe("toNestedChw", () => {
  it("splits a CHW buffer into [3][size][size]", () => {
    const nested = toNestedChw(
      Float32Array.from({ length: 12 }, (_, i) => i),
      2,
    );
    expect(nested).toEqual([
      [
        [0, 1],
        [2, 3],
      ],
      [
        [4, 5],
        [6, 7],
      ],
      [
        [8, 9],
        [10, 11],
      ],
    ]);
  });
});

describe("preprocessCommand", () => {
  afterEach(() => vi.restoreAllMocks());

  it("prints {size, pixel_values} JSON shaped [n, 3, size, size]", async () => {
    let printed = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      printed += String(chunk);
      return true;
    });
    const wide = fixture("hf_preprocess/wide.png");
    const gray = fixture("hf_preprocess/gray.png");
    expect(await preprocessCommand.run(["--size", "32", wide, gray])).toBe(0);
    const out = JSON.parse(printed);
    expect(out.size).toBe(32);
    expect([out.pixel_values.length, out.pixel_values[0].length, out.pixel_values[0][0].length]).toEqual([
      2, 3, 32,
    ]);
    expect(out.pixel_values[1][2][31]).toHaveLength(32);

    const expected = JSON.parse(readFileSync(fixture("hf_preprocess/expected.json"), "utf8"));
    const files = expected.files as string[];
    const want = [files.indexOf("wide.png"), files.indexOf("gray.png")].map(
      (i) => expected.pixel_values_32_pil[i],
    );
    expect(maxAbsDiff(out.pixel_values.flat(3), want.flat(3))).toBeLessThan(2e-5);
  });

  it("rejects a missing or bad --size and an empty image list", async () => {
    await expect(preprocessCommand.run([tinyImages[0]])).rejects.toThrow(/missing --size/);
    await expect(preprocessCommand.run(["--size", "0", tinyImages[0]])).rejects.toThrow(/positive integer/);
    await expect(preprocessCommand.run(["--size", "32"])).rejects.toThrow(/no images given/);
  });
});
