import { describe, expect, it } from "vitest";
import { formatIssue } from "./issues.js";
import { parseUpload } from "./parse.js";
import { corruptPng, decodePngFile, pngFiles, textFile } from "./testFiles.js";

const noGenerator = { decodeImage: decodePngFile, negatives: { generate: false } };
const where = (issues: { file: string; line?: number; kind: string }[]) =>
  issues.map((i) => `${i.file}:${i.line}:${i.kind}`);

describe("CSV and TSV uploads", () => {
  it("reads image, caption and typed negatives from negative_k columns", async () => {
    const csv = [
      "image,caption,negative_1,negative_2,negative_types",
      'a.png,"a red cube, left of a ball",a blue cube left of a ball,a ball left of a red cube,adjectiveReplace|nounSwap',
      "b.png,a dog on a sofa,a cat on a sofa,,",
    ].join("\n");
    const result = await parseUpload(
      [textFile("data.csv", csv), ...pngFiles(["a.png", "b.png"])],
      noGenerator,
    );
    expect(result.issues).toEqual([]);
    // Typed slots in generator order (only the types the data names, as nothing is generated),
    // then one untyped slot for b's negative.
    expect(result.negativeTypeNames).toEqual(["nounSwap", "adjectiveReplace", "user_1"]);
    const [a, b] = result.items;
    expect(a).toMatchObject({
      id: "data.csv:2",
      image: "a.png",
      caption: "a red cube, left of a ball",
      negatives: ["a ball left of a red cube", "a blue cube left of a ball", ""],
      negativeMask: [1, 1, 0],
      negativeSources: ["user", "user", "none"],
      source: { file: "data.csv", line: 2 },
    });
    expect(b).toMatchObject({
      image: "b.png",
      negatives: ["", "", "a cat on a sofa"],
      negativeMask: [0, 0, 1],
      userNegatives: [{ text: "a cat on a sofa", type: null }],
    });
    expect(result.summary).toEqual({
      files: 3,
      annotationFiles: ["data.csv"],
      images: 2,
      records: 2,
      items: 2,
      skipped: 0,
    });
  });

  it("reads a TSV with a JSON list of negatives and CRLF line ends", async () => {
    const tsv = 'image\tcaption\tnegatives\r\nimg/a.png\ttwo cats\t["three cats", "two dogs"]\r\n';
    const result = await parseUpload([textFile("set/captions.tsv", tsv), ...pngFiles(["a.png"], "set/img")], {
      ...noGenerator,
      negatives: { generate: false },
    });
    expect(result.issues).toEqual([]);
    expect(result.items).toHaveLength(1);
    expect(result.items[0].image).toBe("set/img/a.png");
    expect(result.items[0].negatives).toEqual(["three cats", "two dogs"]);
    expect(result.negativeTypeNames).toEqual(["user_1", "user_2"]);
  });

  it("skips and lists each broken row by line, keeping the rest", async () => {
    const csv = [
      "image,caption,negatives", // 1
      "a.png,a good row,", // 2
      "b.png,,", // 3: empty caption
      "missing.png,no such image,", // 4
      "c.png,too,many,fields", // 5
      'd.png,"a caption over', // 6: quoted field with a newline
      'two lines",', // 7
      "bad.png,a corrupt image,", // 8
      "a.png,A good  row,", // 9: duplicate of line 2 (case and spaces ignored)
      'e.png,bad negatives,"[not json"', // 10
      "", // 11: blank lines are not rows
      "f.png,the last row,", // 12
    ].join("\n");
    const files = [
      textFile("data.csv", csv),
      ...pngFiles(["a.png", "b.png", "c.png", "d.png", "e.png", "f.png"]),
      { name: "bad.png", bytes: corruptPng() },
    ];
    const result = await parseUpload(files, noGenerator);
    expect(result.items.map((i) => i.source.line)).toEqual([2, 6, 12]);
    expect(result.items[1].caption).toBe("a caption over\ntwo lines");
    expect(where(result.issues)).toEqual([
      "data.csv:3:empty-caption",
      "data.csv:4:missing-image",
      "data.csv:5:malformed-row",
      "data.csv:8:unreadable-image",
      "data.csv:9:duplicate",
      "data.csv:10:malformed-row",
    ]);
    expect(result.issues.every((i) => i.severity === "error")).toBe(true);
    const text = result.issues.map(formatIssue);
    expect(text[1]).toBe('data.csv line 4, image: image "missing.png" is not in the upload (skipped)');
    expect(text[2]).toBe("data.csv line 5: 4 fields where the header has 3 (row skipped)");
    expect(text[3]).toMatch(
      /^data\.csv line 8, image: image "bad\.png" is unreadable: corrupt or truncated PNG/,
    );
    expect(text[4]).toBe("data.csv line 9: same image and caption as data.csv line 2 (skipped)");
    expect(text[5]).toMatch(/^data\.csv line 10, negatives: must be a JSON list of strings/);
    expect(result.summary).toMatchObject({ records: 9, items: 3, skipped: 6, images: 3 });
  });

  it("reports a missing column or an unterminated quote as one issue, not a crash", async () => {
    const noCaption = await parseUpload(
      [textFile("x.csv", "image,label\na.png,cat\n"), ...pngFiles(["a.png"])],
      noGenerator,
    );
    expect(noCaption.items).toEqual([]);
    expect(noCaption.issues.map(formatIssue)).toEqual([
      'x.csv line 1: the header has no "caption" column (columns: image, label)',
    ]);
    const open = await parseUpload(
      [
        textFile("y.csv", 'image,caption\na.png,fine\nb.png,"never closed\nc.png,x\n'),
        ...pngFiles(["a.png", "b.png"]),
      ],
      noGenerator,
    );
    expect(open.items.map((i) => i.image)).toEqual(["a.png"]);
    expect(open.issues.map(formatIssue)).toEqual(["y.csv line 3: Quoted field unterminated (row skipped)"]);
    const empty = await parseUpload([textFile("z.csv", "\n\n")], noGenerator);
    expect(empty.issues.map(formatIssue)).toEqual(["z.csv: the file has no header row (it is empty)"]);
  });

  it("warns about unknown or misaligned negative types and keeps the texts untyped", async () => {
    const csv = [
      "image,caption,negative_1,negative_2,negative_types",
      "a.png,a cat,a dog,a cow,nounSwap|colour",
      "b.png,a cat,a dog,a cow,nounSwap",
      "c.png,a cat,A CAT,,",
    ].join("\n");
    const result = await parseUpload(
      [textFile("t.csv", csv), ...pngFiles(["a.png", "b.png", "c.png"])],
      noGenerator,
    );
    expect(result.items).toHaveLength(3);
    expect(result.items[0].userNegatives).toEqual([
      { text: "a dog", type: "nounSwap" },
      { text: "a cow", type: null },
    ]);
    expect(result.items[1].userNegatives).toEqual([
      { text: "a dog", type: null },
      { text: "a cow", type: null },
    ]);
    expect(result.items[2].userNegatives).toEqual([]);
    expect(result.issues.map((i) => `${i.line} ${i.severity} ${i.field}`)).toEqual([
      "2 warning negative_types",
      "3 warning negative_types",
      "4 warning negatives",
    ]);
    expect(result.issues[0].message).toMatch(/^unknown negative type "colour"/);
    expect(result.issues[1].message).toBe("1 negative types for 2 negatives; the types are ignored");
    expect(result.issues[2].message).toBe("negative 1 equals the caption and is left out");
  });

  it("stops at maxItems with one limit issue", async () => {
    const rows = ["image,caption", ...Array.from({ length: 5 }, (_, i) => `a.png,caption ${i}`)];
    const result = await parseUpload([textFile("d.csv", rows.join("\n")), ...pngFiles(["a.png"])], {
      ...noGenerator,
      limits: { maxItems: 3 },
    });
    expect(result.items).toHaveLength(3);
    expect(result.issues.map(formatIssue)).toEqual([
      "d.csv line 5: more than 3 records; this one and the rest are left out",
    ]);
  });
});
