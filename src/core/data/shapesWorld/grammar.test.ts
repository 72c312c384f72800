import { describe, expect, it } from "vitest";
import {
  INFIX_WORDINGS,
  OBJECTS_TEMPLATE_IDS,
  RELATION_TEMPLATE_IDS,
  relationWordings,
  renderCaption,
  SIDE_WORDINGS,
  shapesWorldWords,
} from "./grammar.js";
import { parseCaption } from "./parse.js";
import type { CaptionSpec, NounPhrase } from "./types.js";
import { OPPOSITE_RELATION, RELATIONS } from "./vocabulary.js";

const redSquare: NounPhrase = { shape: "square", colour: "red", size: "large", texture: "striped" };
const blueCircle: NounPhrase = { shape: "circle", colour: "blue", size: "small" };

describe("renderCaption", () => {
  it("renders each template", () => {
    const relation = (template: CaptionSpec["template"], wording = 0): CaptionSpec =>
      ({
        kind: "relation",
        template,
        wording,
        relation: "left",
        phrases: [redSquare, blueCircle],
      }) as CaptionSpec;
    expect(renderCaption(relation("plain"))).toBe(
      "a large red striped square to the left of a small blue circle",
    );
    expect(renderCaption(relation("is", 1))).toBe(
      "a large red striped square is left of a small blue circle",
    );
    expect(renderCaption(relation("definite", 2))).toBe(
      "the large red striped square is on the left of the small blue circle",
    );
    expect(renderCaption(relation("withSide"))).toBe(
      "a small blue circle with a large red striped square on its left",
    );
    expect(renderCaption(relation("hasSide", 1))).toBe(
      "a small blue circle has a large red striped square to its left",
    );
    expect(
      renderCaption({
        kind: "objects",
        template: "thereIs",
        phrases: [{ shape: "star", colour: "green" }, blueCircle],
      }),
    ).toBe("there is a green star and a small blue circle");
    expect(
      renderCaption({ kind: "objects", template: "imageWith", phrases: [{ shape: "star", colour: "pink" }] }),
    ).toBe("an image with a pink star");
  });

  it("gives opposite relations wordings of the same count and length", () => {
    for (const relation of RELATIONS) {
      for (const table of [INFIX_WORDINGS, SIDE_WORDINGS]) {
        const mine = table[relation];
        const theirs = table[OPPOSITE_RELATION[relation]];
        expect(mine.length).toBe(theirs.length);
        mine.forEach((w, i) => {
          const a = w.split(" ");
          const b = theirs[i].split(" ");
          expect(a.length).toBe(b.length);
          expect(a.filter((word, k) => word !== b[k]).length).toBe(1);
        });
      }
    }
  });
});

describe("parseCaption", () => {
  it("inverts renderCaption for every template, relation and wording", () => {
    const phrases: NounPhrase[] = [
      redSquare,
      blueCircle,
      { shape: "diamond", colour: "white", texture: "plain" },
      { shape: "cross", colour: "cyan", size: "small", texture: "dotted" },
    ];
    let checked = 0;
    for (const template of RELATION_TEMPLATE_IDS) {
      for (const relation of RELATIONS) {
        relationWordings(template, relation).forEach((_, wording) => {
          for (const [a, b] of [
            [phrases[0], phrases[1]],
            [phrases[3], phrases[2]],
          ]) {
            const spec: CaptionSpec = { kind: "relation", template, wording, relation, phrases: [a, b] };
            expect(parseCaption(renderCaption(spec))).toEqual(spec);
            checked++;
          }
        });
      }
    }
    for (const template of OBJECTS_TEMPLATE_IDS) {
      for (let n = 1; n <= 3; n++) {
        const spec: CaptionSpec = { kind: "objects", template, phrases: phrases.slice(4 - n) };
        expect(parseCaption(renderCaption(spec))).toEqual(spec);
        checked++;
      }
    }
    // 5 infix templates x 10 wordings + 2 side templates x 8, two phrase pairs each; 4 list templates x 3 lengths.
    expect(checked).toBe((5 * 10 + 2 * 8) * 2 + 4 * 3);
  });

  it("rejects text outside the grammar", () => {
    expect(parseCaption("a red blob left of a blue circle")).toBeNull();
    expect(parseCaption("a red square left of")).toBeNull();
    expect(parseCaption("a red square left of a blue circle right of a green star")).toBeNull();
    expect(parseCaption("")).toBeNull();
  });
});

describe("shapesWorldWords", () => {
  it("lists the closed vocabulary, sorted and unique", () => {
    const words = shapesWorldWords();
    expect(words).toEqual([...new Set(words)].sort());
    for (const w of ["a", "an", "the", "left", "under", "its", "striped", "pink", "diamond", "large"]) {
      expect(words).toContain(w);
    }
    expect(words.length).toBe(40);
  });
});
