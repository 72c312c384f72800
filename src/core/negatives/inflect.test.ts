import { describe, expect, it } from "vitest";
import { hashString, mixSeed, Rng } from "../data/random.js";
import { indefiniteArticle, pluralize, singularize } from "./inflect.js";

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

describe("Rng", () => {
  it("is deterministic by seed and differs across seeds", () => {
    const draw = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 5 }, () => rng.int(1000));
    };
    expect(draw(7)).toEqual(draw(7));
    const a = new Rng(1);
    const b = new Rng(2);
    expect([a.next(), a.next()]).not.toEqual([b.next(), b.next()]);
  });

  it("hashes strings and seeds stably", () => {
    expect(hashString("a dog")).toBe(hashString("a dog"));
    expect(hashString("a dog")).not.toBe(hashString("a cat"));
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 1));
    expect(() => mixSeed(0.5)).toThrow();
  });

  it("shuffles to a permutation", () => {
    const out = new Rng(3).shuffle([1, 2, 3, 4, 5, 6]);
    expect([...out].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
