import { describe, expect, it } from "vitest";
import { formatIssue } from "./issues.js";
import { locateJsonEntries } from "./jsonLocate.js";
import { findJsonSyntaxError } from "./jsonSyntax.js";
import { parseUpload } from "./parse.js";
import { corruptPng, decodePngFile, pngFiles, textFile } from "./testFiles.js";

const noGenerator = { decodeImage: decodePngFile, negatives: { generate: false } };

describe("JSONL uploads", () => {
  it("reads records with negatives as strings or typed objects", async () => {
    const jsonl = [
      JSON.stringify({
        image: "a.png",
        caption: "a man riding a horse",
        negatives: [{ text: "a horse riding a man", type: "nounSwap" }, "a man feeding a horse"],
      }),
      "",
      JSON.stringify({
        image: "b.png",
        caption: "a red car",
        negatives: ["a blue car"],
        negative_types: ["adjectiveReplace"],
      }),
    ].join("\n");
    const result = await parseUpload(
      [textFile("d.jsonl", jsonl), ...pngFiles(["a.png", "b.png"])],
      noGenerator,
    );
    expect(result.issues).toEqual([]);
    expect(result.negativeTypeNames).toEqual(["nounSwap", "adjectiveReplace", "user_1"]);
    expect(result.items.map((i) => [i.id, i.negatives])).toEqual([
      ["d.jsonl:1", ["a horse riding a man", "", "a man feeding a horse"]],
      ["d.jsonl:3", ["", "a blue car", ""]],
    ]);
  });

  it("skips and lists broken lines by line number", async () => {
    const jsonl = [
      '{"image": "a.png", "caption": "fine"}', // 1
      '{"image": "a.png", "caption": ', // 2: truncated JSON
      '["a.png", "not an object"]', // 3
      '{"image": 7, "caption": "number as image"}', // 4
      '{"image": "a.png", "caption": ["list"]}', // 5
      '{"image": "a.png"}', // 6: no caption
      '{"image": "a.png", "caption": "bad negatives", "negatives": "one"}', // 7
      '{"image": "bad.png", "caption": "corrupt"}', // 8
    ].join("\n");
    const result = await parseUpload(
      [textFile("d.jsonl", jsonl), ...pngFiles(["a.png"]), { name: "bad.png", bytes: corruptPng() }],
      noGenerator,
    );
    expect(result.items.map((i) => i.source.line)).toEqual([1]);
    expect(result.issues.map((i) => `${i.line}:${i.kind}:${i.field ?? ""}`)).toEqual([
      "2:malformed-row:",
      "3:malformed-row:",
      "4:malformed-row:image",
      "5:malformed-row:caption",
      "6:empty-caption:caption",
      "7:malformed-row:negatives",
      "8:unreadable-image:image",
    ]);
    expect(formatIssue(result.issues[0])).toBe(
      "d.jsonl line 2: not valid JSON (column 31: expected a value, found the end of the file; line skipped)",
    );
    expect(formatIssue(result.issues[2])).toBe(
      "d.jsonl line 4, image: must be a string (a file name) (record skipped)",
    );
    expect(result.summary).toMatchObject({ records: 8, items: 1, skipped: 7 });
  });
});

describe("COCO captions and JSON record lists", () => {
  const coco = {
    info: { description: "mini" },
    images: [
      { id: 1, file_name: "COCO_val2014_000000000001.png" },
      { id: 2, file_name: "COCO_val2014_000000000002.png" },
      { id: 2, file_name: "again.png" },
      { file_name: "no-id.png" },
    ],
    annotations: [
      { id: 10, image_id: 1, caption: "A cat on a mat." },
      { id: 11, image_id: 1, caption: "A small cat sitting on a mat." },
      { id: 12, image_id: 2, caption: "  " },
      { id: 13, image_id: 99, caption: "unknown image" },
      { id: 14, image_id: 2, caption: 5 },
      { id: 15, image_id: 2, caption: "Two dogs in the snow." },
    ],
  };

  it("reads one item per annotation with line numbers in a pretty-printed file", async () => {
    const text = JSON.stringify(coco, null, 2);
    // Images may sit in a sub-folder (val2014/): a unique trailing match finds them.
    const images = pngFiles(["COCO_val2014_000000000001.png", "COCO_val2014_000000000002.png"], "val2014");
    const result = await parseUpload([textFile("captions_val2014.json", text), ...images], noGenerator);
    expect(result.items.map((i) => [i.id, i.image, i.caption])).toEqual([
      ["captions_val2014.json#annotations[0]", "val2014/COCO_val2014_000000000001.png", "A cat on a mat."],
      [
        "captions_val2014.json#annotations[1]",
        "val2014/COCO_val2014_000000000001.png",
        "A small cat sitting on a mat.",
      ],
      [
        "captions_val2014.json#annotations[5]",
        "val2014/COCO_val2014_000000000002.png",
        "Two dogs in the snow.",
      ],
    ]);
    const lineOf = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
    expect(result.issues.map(formatIssue)).toEqual([
      `captions_val2014.json line ${lineOf('"again.png"') - 2} (images[2]): image id 2 listed again (the first is used)`,
      `captions_val2014.json line ${lineOf('"no-id.png"') - 1} (images[3]): an image needs an id and a file_name (ignored)`,
      `captions_val2014.json line ${lineOf('"id": 12') - 1} (annotations[2]), caption: the caption is empty (skipped)`,
      `captions_val2014.json line ${lineOf('"id": 13') - 1} (annotations[3]), image_id: image_id 99 is not in "images" (skipped)`,
      `captions_val2014.json line ${lineOf('"id": 14') - 1} (annotations[4]), caption: must be a string (skipped)`,
    ]);
  });

  it("reports invalid JSON with its line and a JSON file of another shape", async () => {
    const broken = await parseUpload([textFile("c.json", '{\n  "images": [\n  }\n')], noGenerator);
    expect(broken.issues).toHaveLength(1);
    expect(formatIssue(broken.issues[0])).toBe(
      'c.json: not valid JSON (line 3, column 3: expected a value, found "}")',
    );
    const other = await parseUpload([textFile("o.json", '{"data": []}')], noGenerator);
    expect(other.issues[0].message).toMatch(/must be COCO captions/);
  });

  it("reads a JSON list of records like JSONL", async () => {
    const list = '[\n {"image": "a.png", "caption": "one"},\n {"image": "a.png", "caption": ""}\n]';
    const result = await parseUpload([textFile("l.json", list), ...pngFiles(["a.png"])], noGenerator);
    expect(result.items.map((i) => i.id)).toEqual(["l.json#[0]"]);
    expect(result.issues.map(formatIssue)).toEqual([
      "l.json line 3 ([1]), caption: the caption is empty (skipped)",
    ]);
  });
});

describe("locateJsonEntries", () => {
  it("finds lines of array elements, members and member arrays, past tricky strings", () => {
    const text = [
      "{", // 1
      '  "a\\"]}[{,": 1,', // 2: a key with escapes and brackets
      '  "list": [', // 3
      '    {"x": "}]"},', // 4
      "    [1, 2],", // 5
      "    null", // 6
      "  ],", // 7
      '  "last": "v"', // 8
      "}",
    ].join("\n");
    const lines = locateJsonEntries(text);
    expect([...lines.members]).toEqual([
      ['a"]}[{,', 2],
      ["list", 3],
      ["last", 8],
    ]);
    expect(lines.memberElements.get("list")).toEqual([4, 5, 6]);
    expect(locateJsonEntries('[1,\n"two",\n{"a": [3]},\n\n[]]').elements).toEqual([1, 2, 3, 5]);
  });
});

describe("findJsonSyntaxError", () => {
  it("returns nothing for valid JSON and a located reason otherwise", () => {
    for (const valid of ['{"a": [1, -2.5e3, true, null, "x\\u00e9\\n"]}', "[]", " 7 ", '"s"'])
      expect(findJsonSyntaxError(valid), valid).toBeUndefined();
    expect(findJsonSyntaxError('{"a": 1,}')).toEqual({
      line: 1,
      column: 9,
      message: 'expected a property name in double quotes, found "}"',
    });
    expect(findJsonSyntaxError('[1,\n "two\n"]')).toEqual({
      line: 2,
      column: 6,
      message: "a string must not contain a line break or control character",
    });
    expect(findJsonSyntaxError('{"a" 1}')?.message).toBe('expected ":" after a property name, found "1"');
    expect(findJsonSyntaxError('["\\x"]')?.message).toBe("invalid escape in a string");
    expect(findJsonSyntaxError("[1] 2")?.message).toBe('unexpected "2" after the JSON value');
    expect(findJsonSyntaxError("")?.message).toBe("expected a value, found the end of the file");
    expect(findJsonSyntaxError('{"a": "open')?.message).toBe("a string is not closed");
    // Deep nesting does not overflow the stack.
    expect(findJsonSyntaxError("[".repeat(100_000))?.message).toBe(
      "expected a value, found the end of the file",
    );
  });
});
