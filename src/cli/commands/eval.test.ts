import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { zipSync } from "fflate";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { disposeClip, loadClip, similarity } from "../../core/clip/index.js";
import { readFolder, TINY_CLIP_DIR } from "../../core/clip/testing.js";
import { NEGATIVE_TYPES } from "../../core/data/shapesWorld/index.js";
import { decodePng } from "../../core/io/png.js";
import { evalCommand, runEvalCommand } from "./eval.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("cli eval", () => {
  it("prints the benchmark as one JSON line for the fixture model", async () => {
    const before = tf.memory().numTensors;
    const printed: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    const code = await evalCommand.run([
      "--model",
      TINY_CLIP_DIR,
      "--data",
      "shapes-heldout",
      "--n",
      "20",
      "--backend",
      "cpu",
    ]);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    expect(printed).toHaveLength(1);
    const out = JSON.parse(printed[0]);
    expect(Object.keys(out).sort()).toEqual(
      [
        "candidates",
        "n",
        "perType",
        "perTypeCount",
        "r1_i2t",
        "r1_t2i",
        "r5_i2t",
        "r5_t2i",
        "seconds",
      ].sort(),
    );
    expect(out.n).toBe(20);
    expect(out.candidates).toBe(20);
    expect(Object.keys(out.perType)).toEqual([...NEGATIVE_TYPES]);
    for (const name of NEGATIVE_TYPES) {
      expect(out.perTypeCount[name]).toBeGreaterThan(0);
      expect(out.perTypeCount[name]).toBeLessThanOrEqual(20);
      expect(out.perType[name]).toBeGreaterThanOrEqual(0);
      expect(out.perType[name]).toBeLessThanOrEqual(1);
    }
    // With 20 candidates R@5 is at least R@1, and chance R@1 is 1/20.
    expect(out.r5_i2t).toBeGreaterThanOrEqual(out.r1_i2t);
    expect(out.r5_t2i).toBeGreaterThanOrEqual(out.r1_t2i);
    expect(out.seconds).toBeGreaterThan(0);
    // The model's weights are disposed after the run.
    expect(tf.memory().numTensors).toBe(before);
  });

  it("rejects an unknown --data with the accepted forms, before loading anything", async () => {
    await expect(runEvalCommand(["--model", "/no/such/dir", "--data", "sugarcrepe"])).rejects.toThrow(
      'unknown --data "sugarcrepe" (accepted: shapes-heldout, shapes-train, sugarcrepe:<annotation file>, ' +
        "aro-relation:<annotation file>, aro-attribution:<annotation file>, valse:<annotation file>, " +
        "vl-checklist:<annotation file>, winoground:<annotation file>)",
    );
    await expect(runEvalCommand(["--data", "shapes-train"])).rejects.toThrow("--model <dir> is required");
    await expect(runEvalCommand(["--model", TINY_CLIP_DIR, "--n", "0"])).rejects.toThrow(
      "--n must be an integer >= 1",
    );
  });
});

describe("cli eval on imported benchmarks (fixture model, 32 px images)", () => {
  const dir = mkdtempSync(join(tmpdir(), "hardneg-eval-"));
  const fixture = (k: number) => readFileSync(join(TINY_CLIP_DIR, `image${k}.png`));
  const captions = [
    "a photo of a red cube left of a blue sphere",
    "the blue cube left of a red sphere",
    "Two small DOGS, playing on the grass!",
    "there is no bird on the fence",
  ];
  let cos: number[][] = []; // cos[image k][caption j], from the model directly

  beforeAll(async () => {
    mkdirSync(join(dir, "images"));
    for (const k of [0, 1, 2]) writeFileSync(join(dir, "images", `img${k}.png`), fixture(k));
    writeFileSync(join(dir, "images", "photo.jpg"), Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]));
    const model = await loadClip(readFolder(TINY_CLIP_DIR));
    cos = (
      await similarity(
        model,
        [0, 1, 2].map((k) => decodePng(fixture(k))),
        captions,
      )
    ).cosine;
    disposeClip(model);
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function printed(args: string[]): Promise<Record<string, unknown>> {
    const lines: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const code = await evalCommand.run([...args, "--model", TINY_CLIP_DIR, "--backend", "cpu"]);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    return JSON.parse(lines[0]);
  }

  it("sugarcrepe:<file> --images <dir> prints n, accuracy and per-subset results", async () => {
    // Test t: image a[t], true caption p[t], false caption q[t]; one JPEG the CLI cannot read.
    const tests = [
      [0, 0, 1],
      [1, 1, 0],
      [2, 2, 3],
      [0, 3, 2],
    ];
    const annotation = Object.fromEntries(
      tests.map(([a, p, q], t) => [
        String(t),
        { filename: `img${a}.png`, caption: captions[p], negative_caption: captions[q] },
      ]),
    );
    annotation.jpeg = { filename: "photo.jpg", caption: "a photo", negative_caption: "a drawing" };
    writeFileSync(join(dir, "swap_obj.json"), JSON.stringify(annotation, null, 1));
    const before = tf.memory().numTensors;
    const out = await printed([
      "--data",
      `sugarcrepe:${join(dir, "swap_obj.json")}`,
      "--images",
      join(dir, "images"),
    ]);
    expect(tf.memory().numTensors).toBe(before);
    const right = tests.filter(([a, p, q]) => cos[a][p] > cos[a][q]).length;
    expect(Object.keys(out).sort()).toEqual(
      [
        "accuracy",
        "excluded",
        "format",
        "issueCount",
        "issues",
        "meanSubsetAccuracy",
        "n",
        "perSubset",
        "seconds",
        "skipped",
      ].sort(),
    );
    expect(out).toMatchObject({
      format: "sugarcrepe",
      n: 4,
      accuracy: right / 4,
      meanSubsetAccuracy: right / 4,
      perSubset: { swap_obj: { n: 4, accuracy: right / 4 } },
      skipped: 1,
      excluded: 0,
      issueCount: 1,
    });
    expect(out.issues).toEqual([
      expect.stringMatching(
        /swap_obj\.json line 22 \(jpeg\), image: image "photo\.jpg" is unreadable: corrupt JPEG/,
      ),
    ]);
  });

  it("winoground:<file> --images <zip> prints text, image and group scores", async () => {
    const zip = zipSync({
      "winoground/images/ex_0_img_0.png": fixture(0),
      "winoground/images/ex_0_img_1.png": fixture(1),
      "winoground/images/ex_1_img_0.png": fixture(2),
      "winoground/images/ex_1_img_1.png": fixture(0),
    });
    writeFileSync(join(dir, "images.zip"), zip);
    const examples = [
      { images: [0, 1], captions: [0, 1], tag: "Object" },
      { images: [2, 0], captions: [2, 3], tag: "Relation" },
    ];
    writeFileSync(
      join(dir, "examples.jsonl"),
      examples
        .map((e, k) =>
          JSON.stringify({
            id: k,
            image_0: `ex_${k}_img_0`,
            image_1: `ex_${k}_img_1`,
            caption_0: captions[e.captions[0]],
            caption_1: captions[e.captions[1]],
            collapsed_tag: e.tag,
          }),
        )
        .join("\n"),
    );
    const out = await printed([
      "--data",
      `winoground:${join(dir, "examples.jsonl")}`,
      "--images",
      join(dir, "images.zip"),
    ]);
    const scores = examples.map(({ images: [i0, i1], captions: [c0, c1] }) => {
      const s = (c: number, i: number) => cos[i][c];
      const text = s(c0, i0) > s(c1, i0) && s(c1, i1) > s(c0, i1);
      const image = s(c0, i0) > s(c0, i1) && s(c1, i1) > s(c1, i0);
      return { text: Number(text), image: Number(image), group: Number(text && image) };
    });
    const mean = (key: "text" | "image" | "group") => (scores[0][key] + scores[1][key]) / 2;
    expect(out).toMatchObject({
      format: "winoground",
      n: 2,
      text: mean("text"),
      image: mean("image"),
      group: mean("group"),
      perSubset: { Object: { n: 1, ...scores[0] }, Relation: { n: 1, ...scores[1] } },
      skipped: 0,
      issues: [],
    });
  });

  it("asks for --images, checks it, and rejects it for built-in data, before loading a model", async () => {
    writeFileSync(join(dir, "vl.json"), "[]");
    await expect(
      runEvalCommand(["--model", "/no/such/dir", "--data", `valse:${join(dir, "vl.json")}`]),
    ).rejects.toThrow("--images <dir or zip> is required for valse");
    await expect(
      runEvalCommand(["--model", "/no/such/dir", "--data", "shapes-heldout", "--images", dir]),
    ).rejects.toThrow("--images is only for imported benchmarks, not shapes-heldout");
    await expect(
      runEvalCommand(["--model", "/no/such/dir", "--data", "aro-relation:/no/such.json", "--images", dir]),
    ).rejects.toThrow("cannot read the aro-relation annotation file /no/such.json");
    await expect(
      runEvalCommand([
        "--model",
        "/no/such/dir",
        "--data",
        `vl-checklist:${join(dir, "vl.json")}`,
        "--images",
        "/no/such",
      ]),
    ).rejects.toThrow("--images /no/such not found");
  });
});
