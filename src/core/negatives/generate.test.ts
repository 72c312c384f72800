import { describe, expect, it } from "vitest";
import {
  CECLIP_NEGATIVE_TYPES,
  generateNegatives,
  NEGATIVE_GENERATOR_TYPES,
  type NegativeGeneratorType,
  suggestNegatives,
} from "./index.js";
import { NOUN_INDEX } from "./nounLexicon.js";
import { PREPOSITION_INDEX } from "./prepositionLexicon.js";
import { COCO_STYLE_CAPTIONS } from "./testdata/captions.js";

/** Lowercase words without punctuation (hyphens and apostrophes inside words stay). */
function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/\s+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ""))
    .filter((word) => word !== "");
}

const article = (word: string) => (word === "an" ? "a" : word);

/** A test-local singular form (independent of the generator's inflector). */
const IRREGULAR: Record<string, string> = {
  men: "man",
  women: "woman",
  people: "person",
  children: "child",
  leaves: "leaf",
  knives: "knife",
  feet: "foot",
  buses: "bus",
  tomatoes: "tomato",
};
function lemma(word: string): string {
  if (IRREGULAR[word]) return IRREGULAR[word];
  if (/(ch|sh|x|ss)es$/.test(word)) return word.slice(0, -2);
  if (/[^aeiou]ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/[^su]s$/.test(word)) return word.slice(0, -1);
  return word;
}

const multiset = (items: string[]) => [...items].sort().join(" ");

/** Multi-word lexicon units: the only spans a replacement may swap for more than one word. */
const UNITS = new Set([...NOUN_INDEX.keys(), ...PREPOSITION_INDEX.keys()].filter((key) => key.includes(" ")));
const isUnit = (span: string[]) => span.length === 1 || UNITS.has(span.join(" "));

/**
 * True when the negative is the caption with one word or one lexicon unit replaced by one
 * word or unit, allowing only the "a"/"an" right before it to change too.
 */
function isSingleReplacement(caption: string, negative: string): boolean {
  const a = words(caption);
  const b = words(negative);
  for (let i = 0; i < a.length; i++) {
    for (let r = 1; r <= 3 && i + r <= a.length; r++) {
      for (let k = 1; k <= 3 && i + k <= b.length; k++) {
        const prefixA = a.slice(0, i);
        const prefixB = b.slice(0, i);
        if (i > 0) {
          prefixA[i - 1] = article(prefixA[i - 1]);
          prefixB[i - 1] = article(prefixB[i - 1]);
        }
        const removed = a.slice(i, i + r);
        const added = b.slice(i, i + k);
        if (
          prefixA.join(" ") === prefixB.join(" ") &&
          a.slice(i + r).join(" ") === b.slice(i + k).join(" ") &&
          removed.join(" ") !== added.join(" ") &&
          isUnit(removed) &&
          isUnit(added)
        ) {
          return true;
        }
      }
    }
  }
  return false;
}

const REPLACEMENTS: NegativeGeneratorType[] = [
  "adjectiveReplace",
  "nounReplace",
  "verbReplace",
  "prepositionReplace",
];
const SEEDS = [0, 1, 2, 12345];

describe("negative types", () => {
  it("lists CE-CLIP's four types first, in its order, then the extra ones", () => {
    expect(NEGATIVE_GENERATOR_TYPES).toEqual([
      "nounSwap",
      "adjectiveReplace",
      "nounReplace",
      "verbReplace",
      "prepositionReplace",
      "adjectiveSwap",
      "bigramShuffle",
    ]);
    expect(CECLIP_NEGATIVE_TYPES).toEqual(["nounSwap", "adjectiveReplace", "nounReplace", "verbReplace"]);
  });
});

describe(`generateNegatives over ${COCO_STYLE_CAPTIONS.length} COCO-style captions`, () => {
  const runs = SEEDS.flatMap((seed) =>
    COCO_STYLE_CAPTIONS.map((caption) => ({ caption, seed, out: generateNegatives(caption, { seed }) })),
  );
  const valid = (type: NegativeGeneratorType) =>
    runs.flatMap(({ caption, out }) => {
      const k = out.types.indexOf(type);
      return out.mask[k] === 1 ? [{ caption, text: out.texts[k] }] : [];
    });

  it("has at least 100 distinct captions", () => {
    expect(new Set(COCO_STYLE_CAPTIONS).size).toBe(COCO_STYLE_CAPTIONS.length);
    expect(COCO_STYLE_CAPTIONS.length).toBeGreaterThanOrEqual(100);
  });

  it("returns one text and one mask bit per type, in the fixed order", () => {
    for (const { out } of runs) {
      expect(out.types).toEqual(NEGATIVE_GENERATOR_TYPES);
      expect(out.texts).toHaveLength(NEGATIVE_GENERATOR_TYPES.length);
      expect(out.mask.every((bit) => bit === 0 || bit === 1)).toBe(true);
    }
  });

  it("masks with empty text, and every valid negative differs from its caption", () => {
    for (const { caption, out } of runs) {
      out.types.forEach((_, k) => {
        if (out.mask[k] === 0) expect(out.texts[k]).toBe("");
        else {
          expect(out.texts[k].trim()).not.toBe("");
          expect(out.texts[k].toLowerCase()).not.toBe(caption.toLowerCase());
        }
      });
    }
  });

  it("makes each type for a fair share of captions", () => {
    for (const type of NEGATIVE_GENERATOR_TYPES) {
      expect(valid(type).length, type).toBeGreaterThan(runs.length * 0.05);
    }
  });

  it("masks the measured share per type (regression check on the lexicons and rules)", () => {
    const masked = NEGATIVE_GENERATOR_TYPES.map(
      (_, k) =>
        COCO_STYLE_CAPTIONS.filter((caption) => generateNegatives(caption, { seed: 1 }).mask[k] === 0).length,
    );
    // Of 110 captions: nounSwap needs 3+ nouns, adjectiveSwap two nouns with adjectives.
    expect(Object.fromEntries(NEGATIVE_GENERATOR_TYPES.map((type, k) => [type, masked[k]]))).toEqual({
      nounSwap: 57,
      adjectiveReplace: 53,
      nounReplace: 1,
      verbReplace: 33,
      prepositionReplace: 15,
      adjectiveSwap: 98,
      bigramShuffle: 0,
    });
  });

  it("bigram shuffle and adjective swap keep the multiset of words (a/an as one word)", () => {
    for (const type of ["bigramShuffle", "adjectiveSwap"] as const) {
      for (const { caption, text } of valid(type)) {
        expect(multiset(words(text).map(article)), `${type}: ${caption} -> ${text}`).toBe(
          multiset(words(caption).map(article)),
        );
      }
    }
  });

  it("noun swap keeps the multiset of words up to the number of the two nouns", () => {
    for (const { caption, text } of valid("nounSwap")) {
      expect(multiset(words(text).map(article).map(lemma)), `${caption} -> ${text}`).toBe(
        multiset(words(caption).map(article).map(lemma)),
      );
      expect(words(text).join(" ")).not.toBe(words(caption).join(" "));
    }
  });

  it("replacements change exactly one word or one multi-word lexicon unit (plus a/an)", () => {
    for (const type of REPLACEMENTS) {
      for (const { caption, text } of valid(type)) {
        expect(isSingleReplacement(caption, text), `${type}: ${caption} -> ${text}`).toBe(true);
      }
    }
  });

  it("keeps the capital at the start and the closing punctuation", () => {
    for (const { caption, out } of runs) {
      for (const text of out.texts.filter((t) => t !== "")) {
        expect(text[0] === text[0].toUpperCase(), `${caption} -> ${text}`).toBe(
          caption[0] === caption[0].toUpperCase(),
        );
        expect(text.endsWith("."), `${caption} -> ${text}`).toBe(caption.endsWith("."));
      }
    }
  });

  it("gives the same negatives for the same seed", () => {
    for (const { caption, seed, out } of runs) {
      expect(generateNegatives(caption, { seed })).toEqual(out);
    }
  });

  it("can give different negatives for a different seed", () => {
    let differing = 0;
    for (const caption of COCO_STYLE_CAPTIONS) {
      const a = generateNegatives(caption, { seed: 1 }).texts;
      const b = generateNegatives(caption, { seed: 2 }).texts;
      differing += a.filter((text, k) => text !== b[k]).length;
    }
    expect(differing).toBeGreaterThan(COCO_STYLE_CAPTIONS.length);
  });
});

describe("generateNegatives options", () => {
  const caption = "A man riding a red motorcycle down a busy street.";

  it("returns the asked types in the asked order, each as in the full set", () => {
    const all = generateNegatives(caption, { seed: 3 });
    const some = generateNegatives(caption, { seed: 3, types: ["bigramShuffle", "nounSwap"] });
    expect(some.types).toEqual(["bigramShuffle", "nounSwap"]);
    expect(some.texts).toEqual([all.texts[6], all.texts[0]]);
    expect(some.mask).toEqual([all.mask[6], all.mask[0]]);
  });

  it("rejects unknown and repeated types and a non-integer seed", () => {
    expect(() => generateNegatives(caption, { seed: 1, types: ["objectSwap"] })).toThrow(
      /unknown negative type/,
    );
    expect(() => generateNegatives(caption, { seed: 1, types: ["nounSwap", "nounSwap"] })).toThrow(/twice/);
    expect(() => generateNegatives(caption, { seed: 0.5 })).toThrow(/seed/);
  });

  it("masks every type of an empty caption or one with nothing to edit", () => {
    for (const text of ["", "   ", "Hello!"]) {
      const out = generateNegatives(text, { seed: 1 });
      expect(out.mask).toEqual(NEGATIVE_GENERATOR_TYPES.map(() => 0));
      expect(out.texts).toEqual(NEGATIVE_GENERATOR_TYPES.map(() => ""));
    }
  });
});

describe("generator rules on single captions", () => {
  const negative = (caption: string, type: NegativeGeneratorType, seed = 1) =>
    generateNegatives(caption, { seed, types: [type] }).texts[0];

  it("swaps the first two nouns only when there are three or more", () => {
    expect(negative("Two cats sleeping on a wooden bench.", "nounSwap")).toBe("");
    expect(negative("A man riding a red motorcycle down a busy street.", "nounSwap")).toBe(
      "A motorcycle riding a red man down a busy street.",
    );
  });

  it("keeps each slot's number and re-agrees a/an when swapping nouns", () => {
    expect(negative("Two dogs chasing a ball in a park.", "nounSwap")).toBe(
      "Two balls chasing a dog in a park.",
    );
    expect(negative("A plate with eggs, bacon and toast.", "nounSwap")).toBe(
      "An egg with plates, bacon and toast.",
    );
  });

  it("does not swap nouns that are only coordinated", () => {
    expect(negative("A man and a woman cutting a wedding cake.", "nounSwap")).toBe("");
    expect(negative("Red apples and a banana in a bowl.", "nounSwap")).toBe("");
  });

  it("masks types with nothing to work on instead of faking them", () => {
    const out = generateNegatives("A clock tower in the middle of a city.", { seed: 1 });
    const byType = Object.fromEntries(out.types.map((type, k) => [type, out.mask[k]]));
    expect(byType).toMatchObject({
      nounSwap: 0,
      adjectiveReplace: 0,
      nounReplace: 0,
      verbReplace: 0,
      adjectiveSwap: 0,
    });
  });

  it("replaces multi-word units whole and never by a synonym", () => {
    for (let seed = 0; seed < 30; seed++) {
      const text = negative(
        "A group of people standing in front of a stop sign.",
        "prepositionReplace",
        seed,
      );
      expect(text).toMatch(/^A group of people standing \w+( \w+)? a stop sign\.$/);
      expect(text).not.toContain("front");
      const colour = negative("A gray cat on a sofa.", "adjectiveReplace", seed);
      expect(colour).not.toMatch(/grey|gray/);
      const noun = negative("A gray cat on a sofa.", "nounReplace", seed);
      expect(noun).not.toMatch(/couch|kitten/);
    }
  });

  it("keeps a verb's form and its frame (with or without an object)", () => {
    const handling = ["holds", "carries", "pushes", "pulls", "throws", "catches", "kicks", "hits", "swings"];
    for (let seed = 0; seed < 20; seed++) {
      const verb = negative("A man rides a horse on the beach.", "verbReplace", seed).split(" ")[2];
      expect(verb).toMatch(/s$/);
      const motion = negative("A red bus driving down the street.", "verbReplace", seed).split(" ")[3];
      expect(handling.map((v) => v.replace(/e?s$/, ""))).not.toContain(motion.replace(/ing$/, ""));
      expect(motion).toMatch(/ing$/);
    }
  });
});

describe("suggestNegatives", () => {
  it("lists the valid negatives with their type names", () => {
    const caption = "Two cats sleeping on a wooden bench.";
    const out = generateNegatives(caption, { seed: 4 });
    const suggested = suggestNegatives(caption, 4);
    expect(suggested.map((s) => s.type)).toEqual(out.types.filter((_, k) => out.mask[k] === 1));
    expect(suggested.map((s) => s.text)).toEqual(out.texts.filter((_, k) => out.mask[k] === 1));
    expect(suggested.map((s) => s.type)).not.toContain("nounSwap");
  });
});
