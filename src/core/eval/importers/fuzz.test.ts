/**
 * Fuzzing the benchmark importers' parsers: random JSON and truncated or byte-flipped
 * annotation files never throw; whatever is not a usable test comes back as a located issue.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IMPORTERS } from "./index.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const encoder = new TextEncoder();

const SAMPLES: Record<string, string> = {
  sugarcrepe: JSON.stringify({
    "0": { filename: "a.jpg", caption: "a red bus", negative_caption: "a bus red" },
  }),
  "aro-relation": JSON.stringify([
    {
      image_path: "a.jpg",
      bbox_x: 1,
      bbox_y: 2,
      bbox_w: 3,
      bbox_h: 4,
      true_caption: "a",
      false_caption: "b",
      relation_name: "on",
    },
  ]),
  "aro-attribution": JSON.stringify([
    {
      image_path: "a.jpg",
      bbox: [1, 2, 3, 4],
      true_caption: "a",
      false_caption: "b",
      attributes: ["x", "y"],
    },
  ]),
  valse: JSON.stringify({ e0: { image_file: "a.jpg", caption: "a", foil: "b", mturk: { caption: 3 } } }),
  "vl-checklist": JSON.stringify([["a.jpg", { POS: ["a"], NEG: ["b"] }]]),
  winoground: JSON.stringify({ image_0: "i0", image_1: "i1", caption_0: "a", caption_1: "b" }),
};

function checkParse(name: string, bytes: Uint8Array) {
  const importer = IMPORTERS.find((i) => i.name === name)!;
  const started = performance.now();
  const parsed = importer.parse({ name: "f.json", bytes }, { subset: "f" });
  expect(performance.now() - started).toBeLessThan(2000);
  for (const test of parsed.cases) {
    expect(test.texts.every((t) => typeof t === "string" && t.trim() !== "")).toBe(true);
    expect(test.images.every((i) => typeof i.name === "string")).toBe(true);
  }
  for (const issue of parsed.issues) expect(issue.message.length).toBeGreaterThan(0);
  return parsed;
}

describe("fuzz: benchmark annotation files", () => {
  it("random JSON values give tests or issues, never exceptions (30 inputs)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...IMPORTERS.map((i) => i.name)),
        fc.jsonValue({ maxDepth: 4 }),
        (name, value) => {
          const text = JSON.stringify(value) ?? "null";
          const parsed = checkParse(
            name,
            encoder.encode(name === "winoground" ? text.replace(/\n/g, " ") : text),
          );
          // Only an empty list or object may hold nothing at all.
          if (text !== "[]" && text !== "{}")
            expect(parsed.cases.length + parsed.issues.length + parsed.excluded).toBeGreaterThan(0);
        },
      ),
      { numRuns: 30, seed: SEED },
    );
  });

  it("truncated or byte-flipped valid files are reported (30 inputs)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(SAMPLES)),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 127 })), { maxLength: 3 }),
        (name, cut, flips) => {
          const bytes = encoder.encode(SAMPLES[name]);
          const broken = bytes.slice(0, Math.max(1, cut % bytes.length));
          for (const [at, xor] of flips) broken[at % broken.length] ^= xor;
          const parsed = checkParse(name, broken);
          // A cut file is never whole: one issue at least, unless a flip happened to keep it valid.
          expect(parsed.issues.length + parsed.cases.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 30, seed: SEED },
    );
  });
});
