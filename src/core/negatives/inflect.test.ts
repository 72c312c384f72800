import { describe, expect, it } from "vitest";
import { indefiniteArticle, pluralize, singularize } from "./inflect.js";
import { hashString, mixSeeds, Prng } from "./random.js";

describe("inflection", () => {
  it("pluralizes regular, sibilant, -y, irregular and multi-word nouns", () => {
    const cases: [string, string][] = [
      ["dog", "dogs"],
      ["bench", "benches"],
      ["box", "boxes"],
      ["glass", "glasses"],
      ["puppy", "puppies"],
      ["toy", "toys"],
      ["man", "men"],
      ["person", "people"],
      ["knife", "knives"],
      ["bus", "buses"],
      ["sheep", "sheep"],
      ["hot dog", "hot dogs"],
      ["tennis racket", "tennis rackets"],
    ];
    for (const [singular, plural] of cases) {
      expect(pluralize(singular)).toBe(plural);
      expect(singularize(plural)).toBe(singular);
    }
  });

  it("chooses a/an by sound", () => {
    const cases: [string, string][] = [
      ["apple", "an"],
      ["orange", "an"],
      ["umbrella", "an"],
      ["hour", "an"],
      ["8", "an"],
      ["banana", "a"],
      ["unicorn", "a"],
      ["utensil", "a"],
      ["one-way", "a"],
      ["European", "a"],
      ["Elephant", "an"],
    ];
    for (const [word, article] of cases) expect(indefiniteArticle(word), word).toBe(article);
  });
});

describe("Prng", () => {
  it("is deterministic by seed and differs across seeds", () => {
    const draw = (seed: number) => {
      const rng = new Prng(seed);
      return Array.from({ length: 5 }, () => rng.int(1000));
    };
    expect(draw(7)).toEqual(draw(7));
    const a = new Prng(1);
    const b = new Prng(2);
    expect([a.next(), a.next()]).not.toEqual([b.next(), b.next()]);
  });

  it("hashes strings and seeds stably", () => {
    expect(hashString("a dog")).toBe(hashString("a dog"));
    expect(hashString("a dog")).not.toBe(hashString("a cat"));
    expect(mixSeeds(1, 2)).not.toBe(mixSeeds(2, 1));
    expect(() => mixSeeds(0.5)).toThrow();
  });

  it("shuffles to a permutation", () => {
    const out = new Prng(3).shuffle([1, 2, 3, 4, 5, 6]);
    expect([...out].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
