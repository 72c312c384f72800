import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { formatIssue } from "./issues.js";
import { parseUpload } from "./parse.js";
import { decodePngFile, pngFiles, solidPng, textFile } from "./testFiles.js";

const noGenerator = { decodeImage: decodePngFile, negatives: { generate: false } };
const encoder = new TextEncoder();

function zipOf(entries: Record<string, Uint8Array | string>): Uint8Array {
  return zipSync(
    Object.fromEntries(
      Object.entries(entries).map(([name, v]) => [name, typeof v === "string" ? encoder.encode(v) : v]),
    ),
  );
}

describe("zip and folder uploads", () => {
  it("expands a zip under its folder and resolves images next to the CSV", async () => {
    const zip = zipOf({
      "pairs/data.csv": "image,caption\nimages/a.png,a red square\nimages/b.png,a green square\n",
      "pairs/images/a.png": solidPng([255, 0, 0]),
      "pairs/images/b.png": solidPng([0, 255, 0]),
      "__MACOSX/pairs/._data.csv": "junk",
    });
    const seen: string[] = [];
    const result = await parseUpload([{ name: "uploads/set.zip", bytes: zip }], {
      ...noGenerator,
      onImage: (name, image) => {
        seen.push(`${name} ${image.width}x${image.height}`);
      },
    });
    expect(result.issues).toEqual([]);
    expect(result.summary.annotationFiles).toEqual(["uploads/pairs/data.csv"]);
    expect(result.items.map((i) => i.image)).toEqual([
      "uploads/pairs/images/a.png",
      "uploads/pairs/images/b.png",
    ]);
    expect(seen.sort()).toEqual(["uploads/pairs/images/a.png 4x4", "uploads/pairs/images/b.png 4x4"]);
  });

  it("rejects a zip with a path-traversal entry but keeps the rest of the upload", async () => {
    const evil = zipOf({ "x.png": solidPng([1, 1, 1]), "../escape.csv": "image,caption\nx.png,evil\n" });
    const result = await parseUpload(
      [
        textFile("data.csv", "image,caption\na.png,kept\n"),
        ...pngFiles(["a.png"]),
        { name: "evil.zip", bytes: evil },
      ],
      noGenerator,
    );
    expect(result.items.map((i) => i.caption)).toEqual(["kept"]);
    expect(result.issues.map(formatIssue)).toEqual([
      'evil.zip: unsafe entry "../escape.csv" in the zip: path leaves the archive (".."); nothing from this zip is used',
    ]);
  });

  it("rejects unsafe loose file names and zips over the limits", async () => {
    const zip = zipOf({
      "a.png": solidPng([1, 1, 1]),
      "b.png": solidPng([2, 2, 2]),
      "c.png": solidPng([3, 3, 3]),
    });
    const result = await parseUpload(
      [
        textFile("/etc/data.csv", "image,caption\n"),
        { name: "many.zip", bytes: zip },
        textFile("d.csv", "image,caption\na.png,x\n"),
      ],
      { ...noGenerator, limits: { maxZipFiles: 2 } },
    );
    expect(result.issues.map(formatIssue)).toEqual([
      '/etc/data.csv: unsafe file name "/etc/data.csv": absolute path (ignored)',
      'd.csv line 2, image: image "a.png" is not in the upload (skipped)',
      "many.zip: the zip has 3 files, more than the 2 allowed; nothing from this zip is used",
    ]);
    const big = await parseUpload([{ name: "big.zip", bytes: zip }], {
      ...noGenerator,
      limits: { maxZipBytes: 100 },
    });
    expect(big.issues.map(formatIssue)).toEqual([
      "(upload): no annotation file: add a .csv, .tsv, .jsonl or COCO captions .json with the images",
      expect.stringMatching(/^big\.zip: the zip expands to \d+ bytes, more than the 100 allowed; nothing/),
    ]);
  });

  it("says so when there is no annotation file", async () => {
    const result = await parseUpload(pngFiles(["a.png"]), noGenerator);
    expect(result.issues.map(formatIssue)).toEqual([
      "(upload): no annotation file: add a .csv, .tsv, .jsonl or COCO captions .json with the images",
    ]);
  });
});
