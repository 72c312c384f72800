import { describe, expect, it } from "vitest";
import { generateShapesDataset, recordAt, type ShapesRecord, sampleAt } from "./dataset.js";
import { shapesWorldWords } from "./grammar.js";
import { NEGATIVE_TYPES } from "./negatives.js";
import { parseCaption } from "./parse.js";
import { couldBeTrueOf, isTrueOf } from "./semantics.js";
import { isHeldOutPair } from "./splits.js";
import type { Split } from "./types.js";
import {
  BACKGROUND_RGB,
  COLOUR_RGB,
  COLOURS,
  type ColourName,
  SHAPES,
  type ShapeName,
} from "./vocabulary.js";

const N = 2000;
const records = (split: Split, seed = 3) => Array.from({ length: N }, (_, i) => recordAt(split, seed, i));
const train = records("train");
const heldout = records("heldout");

const words = (text: string) => text.split(" ");
const sortedWords = (text: string) => words(text).slice().sort().join(" ");

/** Colour-shape combinations named in a text, read off the words alone (independent of specs). */
function pairsInText(text: string): string[] {
  const out: string[] = [];
  const ws = words(text);
  ws.forEach((w, i) => {
    if (!(COLOURS as readonly string[]).includes(w)) return;
    const shape = ws.slice(i + 1, i + 3).find((x) => (SHAPES as readonly string[]).includes(x));
    if (shape) out.push(`${w} ${shape}`);
  });
  return out;
}
const heldOutText = (text: string) =>
  pairsInText(text).some((p) => {
    const [colour, shape] = p.split(" ");
    return isHeldOutPair(colour as ColourName, shape as ShapeName);
  });

describe("determinism", () => {
  it("gives identical pixels, captions and negatives for the same seed and index", () => {
    const a = generateShapesDataset({ split: "train", n: 20, seed: 9, imageSize: 32 });
    const b = generateShapesDataset({ split: "train", n: 20, seed: 9, imageSize: 32 });
    expect(b).toEqual(a);
    expect(sampleAt("train", 9, 13, 32)).toEqual(a[13]);
    expect(
      generateShapesDataset({ split: "train", n: 5, seed: 9, imageSize: 32, startIndex: 10 })[3],
    ).toEqual(a[13]);
  });

  it("differs between seeds, splits and indices", () => {
    const base = sampleAt("train", 1, 0);
    expect(sampleAt("train", 2, 0).image.data).not.toEqual(base.image.data);
    expect(sampleAt("heldout", 1, 0).image.data).not.toEqual(base.image.data);
    const captions = new Set(Array.from({ length: 50 }, (_, i) => recordAt("train", 1, i).caption));
    expect(captions.size).toBeGreaterThan(45);
    const otherSeed = Array.from({ length: 50 }, (_, i) => recordAt("train", 2, i).caption);
    expect(otherSeed.filter((c) => captions.has(c)).length).toBeLessThan(5);
  });

  it("names samples by split, seed and index and renders at the requested size", () => {
    const sample = sampleAt("heldout", 4, 17, 48);
    expect(sample.id).toBe("heldout-4-17");
    expect([sample.image.width, sample.image.height, sample.image.channels]).toEqual([48, 48, 3]);
    expect(sample.image.data.length).toBe(48 * 48 * 3);
    expect(sampleAt("train", 4, 17).image.width).toBe(64);
  });
});

describe.each([
  ["train", train],
  ["heldout", heldout],
] as [Split, ShapesRecord[]][])("%s samples", (_split, samples) => {
  it("have true captions that parse back to their spec", () => {
    for (const s of samples) {
      expect(parseCaption(s.caption)).toEqual(s.spec);
      expect(isTrueOf(s.spec, s.scene)).toBe(true);
    }
  });

  it("have K negatives: masked ones empty, valid ones false for the scene", () => {
    for (const s of samples) {
      expect(s.negatives).toHaveLength(NEGATIVE_TYPES.length);
      expect(s.negativeMask).toHaveLength(NEGATIVE_TYPES.length);
      s.negatives.forEach((text, k) => {
        if (s.negativeMask[k] === 0) {
          expect(text).toBe("");
          expect(s.negativeSpecs[k]).toBeNull();
          return;
        }
        expect(s.negativeMask[k]).toBe(1);
        const parsed = parseCaption(text);
        expect(parsed).toEqual(s.negativeSpecs[k]);
        expect(couldBeTrueOf(parsed!, s.scene)).toBe(false);
        expect(isTrueOf(parsed!, s.scene)).toBe(false);
      });
    }
  });

  it("differ from the caption exactly as their type says", () => {
    for (const s of samples) {
      const caption = words(s.caption);
      s.negatives.forEach((text, k) => {
        if (!s.negativeMask[k]) return;
        const type = NEGATIVE_TYPES[k];
        expect(text).not.toBe(s.caption);
        if (type === "attributeSwap" || type === "objectSwap") {
          expect(sortedWords(text)).toBe(sortedWords(s.caption));
        } else {
          const negative = words(text);
          expect(negative).toHaveLength(caption.length);
          expect(negative.filter((w, i) => w !== caption[i])).toHaveLength(1);
        }
      });
      // A relation replacement changes the relation word; a colour replacement a colour word.
      if (s.negativeMask[3])
        expect(words(s.negatives[3]).find((w, i) => w !== caption[i])).toMatch(
          /left|right|above|below|over|under/,
        );
      if (s.negativeMask[2])
        expect(COLOURS).toContain(words(s.negatives[2]).find((w, i) => w !== caption[i]));
    }
  });

  it("use only the words of shapesWorldWords()", () => {
    const vocabulary = new Set(shapesWorldWords());
    for (const s of samples) {
      for (const text of [s.caption, ...s.negatives.filter((t) => t)]) {
        for (const w of words(text)) expect(vocabulary.has(w)).toBe(true);
      }
    }
  });

  it("cover every negative type, and always have a colour replacement", () => {
    const valid = NEGATIVE_TYPES.map(
      (_, k) => samples.filter((s) => s.negativeMask[k]).length / samples.length,
    );
    expect(valid[2]).toBe(1);
    // Relation captions are ~0.7 * 0.85 + 0.15 * 0.6 of the scenes.
    expect(valid[3]).toBeGreaterThan(0.6);
    expect(valid[3]).toBeLessThan(0.76);
    expect(valid[1]).toBeGreaterThan(0.6);
    expect(valid[0]).toBeGreaterThan(0.4);
  });
});

describe("systematic generalisation split", () => {
  it("never shows or names a held-out pair in training, not even in negatives", () => {
    for (const s of train) {
      expect(s.scene.objects.some((o) => isHeldOutPair(o.colour, o.shape))).toBe(false);
      expect(heldOutText(s.caption)).toBe(false);
      for (const text of s.negatives) expect(heldOutText(text)).toBe(false);
    }
  });

  it("puts a held-out pair into every held-out scene and its caption", () => {
    for (const s of heldout) {
      expect(s.scene.objects.some((o) => isHeldOutPair(o.colour, o.shape))).toBe(true);
      expect(heldOutText(s.caption)).toBe(true);
    }
  });

  it("masks more attribute swaps in training, where they would leak held-out pairs", () => {
    const maskedSwaps = (samples: ShapesRecord[]) =>
      samples.filter((s) => !s.negativeMask[0]).length / samples.length;
    expect(maskedSwaps(train)).toBeGreaterThan(maskedSwaps(heldout) + 0.1);
    // Held-out negatives may name held-out pairs (they are evaluation only).
    expect(heldout.some((s) => s.negatives.some((t, k) => k !== 2 && t && heldOutText(t)))).toBe(true);
  });
});

describe("variety", () => {
  it("uses at least 10 distinct templates and all object counts over 1,000 samples", () => {
    const first = train.slice(0, 1000);
    const templates = new Set(first.map((s) => `${s.spec.kind}/${s.spec.template}/${s.spec.phrases.length}`));
    expect(templates.size).toBeGreaterThanOrEqual(10);
    expect(new Set(first.map((s) => `${s.spec.kind}/${s.spec.template}`)).size).toBe(11);
    const counts = [1, 2, 3].map((n) => first.filter((s) => s.scene.objects.length === n).length / 1000);
    expect(counts[1]).toBeGreaterThan(0.64);
    expect(counts[0]).toBeGreaterThan(0.1);
    expect(counts[2]).toBeGreaterThan(0.1);
    // Optional attributes vary: some captions name sizes or textures, some do not.
    const withSize = first.filter((s) => /\b(small|large)\b/.test(s.caption)).length;
    const withTexture = first.filter((s) => /\b(plain|striped|dotted)\b/.test(s.caption)).length;
    expect(withSize).toBeGreaterThan(300);
    expect(withSize).toBeLessThan(900);
    expect(withTexture).toBeGreaterThan(100);
  });
});

describe("rendered samples", () => {
  it("show each object's colour at its centre and background at a corner when free", () => {
    for (let i = 0; i < 300; i++) {
      const s = sampleAt("train", 5, i, 64);
      for (const o of s.scene.objects) {
        const k = (Math.floor(o.y * 64) * 64 + Math.floor(o.x * 64)) * 3;
        expect([s.image.data[k], s.image.data[k + 1], s.image.data[k + 2]]).toEqual([
          ...COLOUR_RGB[o.colour],
        ]);
      }
      const cornerFree = s.scene.objects.every((o) => o.x > 0.3 || o.y > 0.3);
      if (cornerFree) expect([...s.image.data.subarray(0, 3)]).toEqual([...BACKGROUND_RGB]);
    }
  });
});
