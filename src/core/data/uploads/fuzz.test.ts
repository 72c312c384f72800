/**
 * Property-based fuzzing of the upload parsers (fast-check): malformed CSV/TSV, JSONL, COCO
 * JSON and zips (bombs, forged entry counts, path traversal, truncation, flipped bytes).
 * Every input must come back as a result with at least one located issue, never an uncaught
 * exception, within a bounded time. The seed is fixed so a failure replays; FUZZ_SEED
 * explores others.
 */
import fc from "fast-check";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { formatIssue } from "./issues.js";
import { parseUpload } from "./parse.js";
import { corruptPng, decodePngFile, solidPng, textFile } from "./testFiles.js";
import type { UploadFile, UploadOptions, UploadResult } from "./types.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const MAX_MS = 3000;
const IMAGES: UploadFile[] = [
  { name: "a.png", bytes: solidPng([200, 10, 10]) },
  { name: "b.png", bytes: solidPng([10, 200, 10]) },
  { name: "bad.png", bytes: corruptPng() },
];
const options: UploadOptions = {
  decodeImage: decodePngFile,
  negatives: { generate: false },
  limits: { maxZipFiles: 200, maxZipBytes: 1 << 20, maxItems: 500 },
};

/** Parses and checks what every result must satisfy; returns it for input-specific checks. */
async function parseChecked(files: UploadFile[], opts: UploadOptions = options): Promise<UploadResult> {
  const started = performance.now();
  const result = await parseUpload(files, opts);
  expect(performance.now() - started).toBeLessThan(MAX_MS);
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(issue.file.length).toBeGreaterThan(0);
    expect(issue.message.length).toBeGreaterThan(0);
    if (issue.line !== undefined) expect(Number.isInteger(issue.line) && issue.line >= 1).toBe(true);
    expect(typeof formatIssue(issue)).toBe("string");
  }
  const names = new Set(files.map((f) => f.name));
  for (const item of result.items) {
    expect(item.caption.trim()).not.toBe("");
    if (!files.some((f) => f.name.endsWith(".zip"))) expect(names.has(item.image)).toBe(true);
    expect(item.negatives).toHaveLength(result.negativeTypeNames.length);
    expect(item.negativeMask).toHaveLength(result.negativeTypeNames.length);
  }
  expect(result.summary.items + result.summary.skipped).toBe(result.summary.records);
  return result;
}

/** Cells that stay one valid CSV field once quoted: commas, quotes, line breaks, JSON, unicode. */
const cell = fc.oneof(
  fc.constantFrom(
    "",
    "a.png",
    "b.png",
    "a dog",
    "two, cats",
    'say "hi"',
    "line\nbreak",
    '["x", "y"]',
    "nounSwap|x",
  ),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 12 }),
);
const quote = (text: string, delimiter: string) =>
  /["\r\n]/.test(text) || text.includes(delimiter) ? `"${text.replace(/"/g, '""')}"` : text;

type Defect = { row: string[]; kinds: string[] };
/** A row that must be reported (columns: image, caption, negatives). */
const defect: fc.Arbitrary<Defect> = fc.oneof(
  {
    weight: 7,
    arbitrary: fc.constantFrom<Defect>(
      { row: ["missing.png", "a caption", ""], kinds: ["missing-image"] },
      { row: ["a.png", "   ", ""], kinds: ["empty-caption"] },
      { row: ["bad.png", "a corrupt picture", ""], kinds: ["unreadable-image"] },
      { row: ["a.png", "x", "[not json"], kinds: ["malformed-row"] },
      { row: ["a.png", "too", "many", "fields"], kinds: ["malformed-row"] },
      { row: ["a.png"], kinds: ["malformed-row"] },
      { row: ["https://x.org/a.png", "remote", ""], kinds: ["missing-image"] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ minLength: 1001, maxLength: 1100 })
      .map((long) => ({ row: ["a.png", `x${long}`, ""], kinds: ["limit"] })),
  },
);

describe("fuzz: CSV and TSV", () => {
  it("locates an injected bad row among random valid rows (120 inputs)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(cell, cell, cell), { maxLength: 8 }),
        defect,
        fc.nat(),
        fc.constantFrom(",", "\t"),
        fc.constantFrom("\n", "\r\n"),
        async (rows, bad, at, delimiter, newline) => {
          const position = at % (rows.length + 1);
          const all: string[][] = [...rows.slice(0, position), bad.row, ...rows.slice(position)];
          const lines = ["image,caption,negatives".replace(/,/g, delimiter)];
          let line = 2;
          let badLine = 0;
          for (const [k, row] of all.entries()) {
            if (k === position) badLine = line;
            const text = row.map((c) => quote(c, delimiter)).join(delimiter);
            lines.push(text);
            line += text.split("\n").length;
          }
          const name = delimiter === "," ? "data.csv" : "data.tsv";
          const result = await parseChecked([textFile(name, lines.join(newline)), ...IMAGES]);
          // Blank rows are not rows: a defect row of empty cells is never generated.
          const found = result.issues.filter((i) => i.line === badLine && i.severity === "error");
          expect(found.map((i) => i.kind)).toEqual(expect.arrayContaining([expect.toBeOneOf(bad.kinds)]));
        },
      ),
      { numRuns: 120, seed: SEED },
    );
  });

  it("never throws on random text or bytes as a CSV (40 inputs)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }).map((t) => new TextEncoder().encode(t)),
          fc.uint8Array({ maxLength: 300 }),
          fc.string({ maxLength: 200 }).map((t) => new TextEncoder().encode(`image,caption\n${t}`)),
        ),
        async (bytes) => {
          await parseChecked([{ name: "random.csv", bytes }, ...IMAGES]);
        },
      ),
      { numRuns: 40, seed: SEED },
    );
  });
});

describe("fuzz: JSONL", () => {
  const goodRecord = fc.record({
    image: fc.constantFrom("a.png", "b.png"),
    caption: fc.string({ minLength: 1, maxLength: 40 }).filter((c) => c.trim() !== ""),
    negatives: fc.option(fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }), { nil: undefined }),
  });
  const badLine = fc.oneof(
    fc.constant('{"image": "a.png", "caption": '),
    fc.constant('["a.png", "a list"]'),
    fc.constant('{"image": 3, "caption": "number"}'),
    fc.constant('{"image": "a.png", "caption": "x", "negatives": {"a": 1}}'),
    fc.constant('{"image": "a.png", "caption": ""}'),
    fc.constant('{"caption": "no image"}'),
    fc.constant('{"image": "nowhere.png", "caption": "missing"}'),
    fc.string({ maxLength: 40 }).filter((t) => t.trim() !== "" && !t.trim().startsWith("{")),
  );

  it("locates an injected bad line (60 inputs)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(goodRecord, { maxLength: 6 }),
        badLine,
        fc.nat(),
        async (records, bad, at) => {
          const lines = records.map((r) => JSON.stringify(r));
          const position = at % (lines.length + 1);
          lines.splice(position, 0, bad);
          const result = await parseChecked([textFile("d.jsonl", lines.join("\n")), ...IMAGES]);
          expect(result.issues.some((i) => i.line === position + 1 && i.severity === "error")).toBe(true);
        },
      ),
      { numRuns: 60, seed: SEED },
    );
  });
});

describe("fuzz: COCO captions JSON", () => {
  const coco = fc.record({
    images: fc.array(
      fc.record({
        id: fc.integer({ min: 0, max: 5 }),
        file_name: fc.constantFrom("a.png", "b.png", "bad.png", "zz.png"),
      }),
      { maxLength: 5 },
    ),
    annotations: fc.array(
      fc.record({
        image_id: fc.oneof(fc.integer({ min: 0, max: 7 }), fc.constant("x"), fc.constant(null)),
        caption: fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.constant(null)),
      }),
      { maxLength: 6 },
    ),
  });

  it("reports broken COCO files and annotations (40 inputs)", async () => {
    await fc.assert(
      fc.asyncProperty(coco, fc.nat(), fc.boolean(), async (value, cut, truncate) => {
        // An annotation that cannot be right: an image_id no image has.
        value.annotations.push({ image_id: 99, caption: "orphan" });
        let text = JSON.stringify(value, null, truncate ? 0 : 2);
        if (truncate) text = text.slice(0, cut % text.length);
        const result = await parseChecked([textFile("captions.json", text), ...IMAGES]);
        if (truncate) expect(result.issues.map((i) => i.kind)).toContain("bad-file");
        else
          expect(result.issues.some((i) => i.entry === `annotations[${value.annotations.length - 1}]`)).toBe(
            true,
          );
      }),
      { numRuns: 40, seed: SEED },
    );
  });

  it("reports any other JSON value as a .json annotation file (20 inputs)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) => {
        await parseChecked([textFile("other.json", JSON.stringify(value) ?? "null"), ...IMAGES]);
      }),
      { numRuns: 20, seed: SEED },
    );
  });
});

describe("fuzz: zips", () => {
  const encoder = new TextEncoder();
  const goodZip = () =>
    zipSync({
      "set/data.csv": encoder.encode("image,caption\nimg/a.png,a red square\nimg/b.png,missing one\n"),
      "set/img/a.png": solidPng([255, 0, 0]),
    });

  it("survives truncated and byte-flipped zips (50 inputs)", async () => {
    const base = goodZip();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (flips, cut) => {
          const bytes = base.slice(0, cut === undefined ? base.length : cut % base.length);
          for (const [at, xor] of flips) if (bytes.length > 0) bytes[at % bytes.length] ^= xor;
          // Intact, the zip has one missing image: every variant has at least that issue.
          await parseChecked([{ name: "upload.zip", bytes }]);
        },
      ),
      { numRuns: 50, seed: SEED },
    );
  });

  it("rejects entry names that leave the archive (20 inputs)", async () => {
    const segment = fc.constantFrom("..", ".", "a", "b.png", "", "C:", "\\..", "x\\..\\..");
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        async (parts, absolute) => {
          const name = `${absolute ? "/" : ""}${parts.join("/")}`;
          const unified = name.replace(/\\/g, "/");
          const unsafe =
            unified.startsWith("/") || /^[a-zA-Z]:/.test(unified) || unified.split("/").includes("..");
          if (name.endsWith("/") || name === "") return; // a directory entry: nothing to extract
          const bytes = zipSync({
            "data.csv": encoder.encode("image,caption\na.png,x\n"),
            [name]: solidPng([1, 2, 3]),
          });
          const result = await parseChecked([{ name: "u.zip", bytes }]);
          const rejected = result.issues.some((i) => i.file === "u.zip" && /unsafe entry/.test(i.message));
          expect(rejected).toBe(unsafe);
        },
      ),
      { numRuns: 20, seed: SEED },
    );
  });

  const bombs = new Map<number, Uint8Array>();
  const zeroBomb = (scale: number) => {
    if (!bombs.has(scale))
      bombs.set(scale, zipSync({ "data.csv": new Uint8Array((scale + 1) << 20) }, { level: 9 }));
    return bombs.get(scale)!;
  };

  it("refuses bombs, lying sizes and forged entry counts quickly (30 inputs)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("over-limit", "lying-size", "forged-count", "zip64-count", "many-files"),
        fc.integer({ min: 1, max: 4 }),
        async (kind, scale) => {
          let bytes: Uint8Array;
          let expected: RegExp;
          if (kind === "many-files") {
            const entries: Record<string, Uint8Array> = {};
            for (let i = 0; i < 200 * scale + 1; i++) entries[`f${i}.txt`] = encoder.encode("x");
            bytes = zipSync(entries, { level: 0 });
            expected = /more than the 200 allowed/;
          } else {
            // 2 to 5 MB of zeros deflate to a few KB: over the 1 MB limit when told the truth.
            bytes = zeroBomb(scale).slice();
            const view = new DataView(bytes.buffer);
            const end = bytes.length - 22;
            const central = view.getUint32(end + 16, true);
            expected = /expands to|CRC-32|corrupt|claims/;
            if (kind === "lying-size") {
              view.setUint32(22, 100, true); // local header's uncompressed size
              view.setUint32(central + 24, 100, true); // central directory's
              expected = /CRC-32|corrupt/;
            } else if (kind === "forged-count") {
              view.setUint16(end + 8, 65535, true);
              view.setUint16(end + 10, 65535, true);
              expected = /claims 65535 entries/;
            } else if (kind === "zip64-count") {
              // A zip64 locator and record claiming 2^40 entries, before the normal end record.
              const forged = new Uint8Array(bytes.length + 76);
              forged.set(bytes.subarray(0, end));
              const v = new DataView(forged.buffer);
              const record = end;
              v.setUint32(record, 0x06064b50, true);
              v.setBigUint64(record + 24, 1n << 40n, true);
              v.setBigUint64(record + 32, 1n << 40n, true);
              v.setUint32(record + 56, 0x07064b50, true);
              v.setBigUint64(record + 64, BigInt(record), true);
              forged.set(bytes.subarray(end), record + 76);
              bytes = forged;
              expected = /claims \d+ entries/;
            } else expected = /expands to \d+ bytes, more than the 1048576 allowed/;
          }
          const result = await parseChecked([{ name: "bomb.zip", bytes }]);
          expect(result.issues.find((i) => i.file === "bomb.zip")?.message).toMatch(expected);
        },
      ),
      { numRuns: 30, seed: SEED },
    );
  });

  it("never throws on random bytes named .zip (20 inputs)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.boolean(), async (random, signed) => {
        const bytes = signed ? Uint8Array.from([0x50, 0x4b, 3, 4, ...random]) : random;
        await parseChecked([{ name: "r.zip", bytes }]);
      }),
      { numRuns: 20, seed: SEED },
    );
  });
});
