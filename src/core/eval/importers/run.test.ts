import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import type { RgbaImage } from "../../clip/preprocess.js";
import { formatIssue } from "../../data/uploads/issues.js";
import { corruptPng, decodePngFile, solidPng } from "../../data/uploads/testFiles.js";
import { encodePng } from "../../io/png.js";
import { aroRelation } from "./aro.js";
import type { Embedder } from "./embedder.js";
import { imageFilesFromMap, imageFilesFromZip } from "./imageFiles.js";
import { runImportedBenchmark } from "./run.js";
import { sugarcrepe } from "./sugarcrepe.js";
import { winoground } from "./winoground.js";

const COLOURS: Record<string, number[]> = { red: [1, 0, 0], green: [0, 1, 0], blue: [0, 0, 1] };
const unit = (v: number[]) => {
  const norm = Math.hypot(...v);
  return norm === 0 ? v : v.map((x) => x / norm);
};

/**
 * Hand-checkable embeddings in 3-D: an image is its mean colour, a text the sum of the
 * colour words it names. Records what it was asked to encode.
 */
function colourEmbedder() {
  const calls = { images: 0, texts: [] as string[] };
  const embedder: Embedder = {
    dim: 3,
    embedImages: async (images: RgbaImage[]) => {
      calls.images += images.length;
      return Float32Array.from(
        images.flatMap((img) => {
          const sum = [0, 0, 0];
          for (let p = 0; p < img.width * img.height; p++)
            for (let c = 0; c < 3; c++) sum[c] += img.data[p * img.channels + c];
          return unit(sum);
        }),
      );
    },
    embedTexts: async (texts: string[]) => {
      calls.texts.push(...texts);
      return Float32Array.from(
        texts.flatMap((t) =>
          unit(
            t
              .split(/\s+/)
              .map((w) => COLOURS[w] ?? [0, 0, 0])
              .reduce((a, b) => a.map((x, i) => x + b[i]), [0, 0, 0]),
          ),
        ),
      );
    },
  };
  return { embedder, calls };
}

const json = (name: string, value: unknown) => ({
  name,
  bytes: new TextEncoder().encode(JSON.stringify(value)),
});

/** 8x4: left half red, right half blue. */
function halfAndHalf(): Uint8Array {
  const data = new Uint8Array(8 * 4 * 3);
  for (let y = 0; y < 4; y++)
    for (let x = 0; x < 8; x++) data.set(x < 4 ? [255, 0, 0] : [0, 0, 255], (y * 8 + x) * 3);
  return encodePng({ width: 8, height: 4, data, channels: 3 });
}

describe("runImportedBenchmark with hand-checkable embeddings", () => {
  it("SugarCrepe: scores found images, skips and lists missing and corrupt ones", async () => {
    const parsed = sugarcrepe.parse(
      json("replace_att.json", {
        a: { filename: "red.png", caption: "a red square", negative_caption: "a blue square" },
        b: { filename: "blue.png", caption: "a red thing", negative_caption: "a blue thing" },
        c: { filename: "missing.png", caption: "red", negative_caption: "blue" },
        d: { filename: "bad.png", caption: "red", negative_caption: "blue" },
        e: { filename: "red.png", caption: "a green square", negative_caption: "a blue square" },
      }),
      { subset: "replace_att" },
    );
    const images = imageFilesFromMap(
      new Map([
        ["red.png", solidPng([255, 0, 0])],
        ["blue.png", solidPng([0, 0, 255])],
        ["bad.png", corruptPng()],
      ]),
    );
    const { embedder, calls } = colourEmbedder();
    const result = await runImportedBenchmark(embedder, sugarcrepe, parsed, images, decodePngFile);
    // a: cos(red, red) 1 > 0, right. b: 0 < 1, wrong. e: green 0 vs blue 0, a tie: wrong.
    expect(result).toMatchObject({
      format: "sugarcrepe",
      n: 3,
      skipped: 2,
      excluded: 0,
      scores: { accuracy: 1 / 3, meanSubsetAccuracy: 1 / 3 },
      perSubset: { replace_att: { n: 3, accuracy: 1 / 3 } },
    });
    expect(result.issues.map(formatIssue)).toEqual([
      'replace_att.json line 1 (c), image: image "missing.png" is not in the images (skipped)',
      expect.stringMatching(
        /^replace_att\.json line 1 \(d\), image: image "bad\.png" is unreadable: corrupt/,
      ),
    ]);
    // Each distinct image and text is encoded once.
    expect(calls.images).toBe(2);
    expect(calls.texts).toEqual([
      "a red square",
      "a blue square",
      "a red thing",
      "a blue thing",
      "a green square",
    ]);
  });

  it("ARO: crops each box before encoding; macro accuracy over relations", async () => {
    const parsed = aroRelation.parse(
      json("visual_genome_relation.json", [
        {
          image_path: "scene.png",
          bbox: [0, 0, 4, 4],
          true_caption: "red",
          false_caption: "blue",
          relation_name: "on",
        },
        {
          image_path: "scene.png",
          bbox: [4, 0, 4, 4],
          true_caption: "red",
          false_caption: "blue",
          relation_name: "on",
        },
        {
          image_path: "scene.png",
          bbox: [2, 0, 4, 4],
          true_caption: "red",
          false_caption: "blue",
          relation_name: "under",
        },
        {
          image_path: "scene.png",
          bbox: [0, 0, 0.4, 4],
          true_caption: "red",
          false_caption: "blue",
          relation_name: "on",
        },
        {
          image_path: "scene.png",
          bbox: [0, 0, 4, 4],
          true_caption: "blue",
          false_caption: "red",
          relation_name: "near",
        },
      ]),
      { subset: "" },
    );
    const { embedder, calls } = colourEmbedder();
    const result = await runImportedBenchmark(
      embedder,
      aroRelation,
      parsed,
      imageFilesFromMap(new Map([["scene.png", halfAndHalf()]])),
      decodePngFile,
    );
    // Left crop is red (right), right crop blue (wrong), the middle crop half and half (a tie:
    // wrong); "near" is symmetric in ARO's list: listed, not in the macro.
    expect(result.perSubset).toEqual({
      on: { n: 2, accuracy: 0.5, inMacro: true },
      under: { n: 1, accuracy: 0, inMacro: true },
      near: { n: 1, accuracy: 0, inMacro: false },
    });
    expect(result.scores).toEqual({ macroAccuracy: 0.25, accuracy: 0.25, macroGroups: 2 });
    expect(calls.images).toBe(3); // three distinct boxes; the repeated one is encoded once
    expect(result.issues.map(formatIssue)).toEqual([
      expect.stringMatching(
        /\(\[3\]\), image: image "scene\.png" \(cropped\) is unreadable: the box \[0, 0, 0\.4, 4\] is empty/,
      ),
    ]);
  });

  it("Winoground: images from a zip, found without their extension", async () => {
    const zip = zipSync({
      "images/ex_0_img_0.png": solidPng([255, 0, 0]),
      "images/ex_0_img_1.png": solidPng([0, 0, 255]),
    });
    const parsed = winoground.parse(
      {
        name: "examples.jsonl",
        bytes: new TextEncoder().encode(
          [
            {
              image_0: "ex_0_img_0",
              image_1: "ex_0_img_1",
              caption_0: "red",
              caption_1: "blue",
              collapsed_tag: "Object",
            },
            {
              image_0: "ex_0_img_0",
              image_1: "ex_0_img_1",
              caption_0: "blue",
              caption_1: "red",
              collapsed_tag: "Both",
            },
          ]
            .map((r) => JSON.stringify(r))
            .join("\n"),
        ),
      },
      { subset: "" },
    );
    const { embedder } = colourEmbedder();
    const result = await runImportedBenchmark(
      embedder,
      winoground,
      parsed,
      imageFilesFromZip(zip),
      decodePngFile,
    );
    expect(result.scores).toEqual({ text: 0.5, image: 0.5, group: 0.5 });
    expect(result.perSubset).toEqual({
      Object: { n: 1, text: 1, image: 1, group: 1 },
      Both: { n: 1, text: 0, image: 0, group: 0 },
    });
    const first = await runImportedBenchmark(
      embedder,
      winoground,
      parsed,
      imageFilesFromZip(zip),
      decodePngFile,
      {
        limit: 1,
      },
    );
    expect(first.n).toBe(1);
    expect(first.scores.group).toBe(1);
  });

  it("a corrupt zip entry fails its own tests only", async () => {
    const zip = zipSync(
      { "red.png": solidPng([255, 0, 0]), "blue.png": solidPng([0, 0, 255]) },
      { level: 0 },
    );
    // Flip a byte inside the first stored PNG (found by its signature): its CRC-32 fails.
    const first = zip.findIndex((b, i) => b === 0x89 && zip[i + 1] === 0x50 && zip[i + 2] === 0x4e);
    zip[first + 20] ^= 0xff;
    const parsed = sugarcrepe.parse(
      json("s.json", {
        a: { filename: "red.png", caption: "red", negative_caption: "blue" },
        b: { filename: "blue.png", caption: "blue", negative_caption: "red" },
      }),
      { subset: "s" },
    );
    const result = await runImportedBenchmark(
      colourEmbedder().embedder,
      sugarcrepe,
      parsed,
      imageFilesFromZip(zip),
      decodePngFile,
    );
    expect(result.n).toBe(1);
    expect(result.scores.accuracy).toBe(1);
    expect(result.issues.map(formatIssue)).toEqual([
      's.json line 1 (a), image: image "red.png" is unreadable: corrupt zip file: "red.png" fails its CRC-32 check (skipped)',
    ]);
  });

  it("fails with the first problem when no test can be evaluated", async () => {
    const parsed = sugarcrepe.parse(
      json("s.json", { a: { filename: "x.png", caption: "c", negative_caption: "d" } }),
      {
        subset: "s",
      },
    );
    await expect(
      runImportedBenchmark(
        colourEmbedder().embedder,
        sugarcrepe,
        parsed,
        imageFilesFromMap(new Map()),
        decodePngFile,
      ),
    ).rejects.toThrow(
      'no sugarcrepe test could be evaluated; first problem: s.json line 1 (a), image: image "x.png" is not in the images (skipped)',
    );
  });
});
