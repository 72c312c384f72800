import {
  INFIX_WORDINGS,
  OBJECTS_TEMPLATE_IDS,
  OBJECTS_TEMPLATES,
  RELATION_TEMPLATE_IDS,
  RELATION_TEMPLATES,
  SIDE_WORDINGS,
} from "./grammar.js";
import type { CaptionSpec, NounPhrase } from "./types.js";
import {
  COLOURS,
  type ColourName,
  RELATIONS,
  type RelationName,
  SHAPES,
  type ShapeName,
  SIZES,
  type SizeName,
  TEXTURES,
  type TextureName,
} from "./vocabulary.js";

/**
 * Reads a caption of the grammar back into its CaptionSpec (null if it is not one), so a
 * negative text can be checked against the scene independently of how it was made.
 */

const isIn =
  <T extends string>(list: readonly T[]) =>
  (word: string | undefined): word is T =>
    word !== undefined && (list as readonly string[]).includes(word);
const isSize = isIn<SizeName>(SIZES);
const isColour = isIn<ColourName>(COLOURS);
const isTexture = isIn<TextureName>(TEXTURES);
const isShape = isIn<ShapeName>(SHAPES);

function readNounPhrase(words: string[], start: number): { phrase: NounPhrase; end: number } | null {
  let i = start;
  const phrase: Partial<NounPhrase> = {};
  if (isSize(words[i])) phrase.size = words[i++] as SizeName;
  if (!isColour(words[i])) return null;
  phrase.colour = words[i++] as ColourName;
  if (isTexture(words[i])) phrase.texture = words[i++] as TextureName;
  if (!isShape(words[i])) return null;
  phrase.shape = words[i++] as ShapeName;
  return { phrase: phrase as NounPhrase, end: i };
}

type RelationMatch = { relation: RelationName; wording: number; slot: "{R}" | "{S}"; length: number };

function readRelation(words: string[], start: number): RelationMatch | null {
  let best: RelationMatch | null = null;
  for (const [slot, table] of [
    ["{R}", INFIX_WORDINGS],
    ["{S}", SIDE_WORDINGS],
  ] as const) {
    for (const relation of RELATIONS) {
      const wordings = table[relation];
      for (let wording = 0; wording < wordings.length; wording++) {
        const parts = wordings[wording].split(" ");
        const fits = parts.every((part, k) => words[start + k] === part);
        if (fits && (!best || parts.length > best.length))
          best = { relation, wording, slot, length: parts.length };
      }
    }
  }
  return best;
}

export function parseCaption(text: string): CaptionSpec | null {
  const words = text.split(" ");
  const skeleton: string[] = [];
  const phrases: NounPhrase[] = [];
  let relation: RelationMatch | null = null;
  for (let i = 0; i < words.length; ) {
    const np = readNounPhrase(words, i);
    if (np) {
      phrases.push(np.phrase);
      skeleton.push("{X}");
      i = np.end;
      continue;
    }
    const rel = readRelation(words, i);
    if (rel) {
      if (relation) return null;
      relation = rel;
      skeleton.push(rel.slot);
      i += rel.length;
      continue;
    }
    skeleton.push(words[i++]);
  }
  const shape = skeleton.join(" ");

  if (relation) {
    const found: RelationMatch = relation;
    for (const template of RELATION_TEMPLATE_IDS) {
      const pattern = RELATION_TEMPLATES[template];
      if (!pattern.includes(found.slot) || pattern.replace(/\{[AB]\}/g, "{X}") !== shape) continue;
      const subjectFirst = pattern.indexOf("{A}") < pattern.indexOf("{B}");
      const [first, second] = phrases;
      return {
        kind: "relation",
        template,
        wording: found.wording,
        relation: found.relation,
        phrases: subjectFirst ? [first, second] : [second, first],
      };
    }
    return null;
  }

  if (phrases.length === 0) return null;
  const list = Array.from({ length: phrases.length }, () => "a {X}").join(" and ");
  for (const template of OBJECTS_TEMPLATE_IDS) {
    if (OBJECTS_TEMPLATES[template].replace("{L}", list) === shape)
      return { kind: "objects", template, phrases };
  }
  return null;
}
