import type { CaptionSpec, NounPhrase, ObjectsTemplate, RelationTemplate } from "./types.js";
import { COLOURS, RELATIONS, type RelationName, SHAPES, SIZES, TEXTURES } from "./vocabulary.js";

/**
 * The caption grammar. Noun phrases are "[size] colour [texture] shape"; templates place
 * them in slots {A} (the relation's subject) and {B} (its object), {R} an infix relation
 * phrase, {S} a phrase that relates {A} to the preceding {B} ("on its left"), {L} a list
 * of phrases joined by "and". Both slots of a template carry the same determiner, so
 * swapping phrases keeps the multiset of words, and opposite relations have wordings of
 * equal length, so a relation replacement changes one word.
 */

export const RELATION_TEMPLATES: Readonly<Record<RelationTemplate, string>> = {
  plain: "a {A} {R} a {B}",
  is: "a {A} is {R} a {B}",
  thereIs: "there is a {A} {R} a {B}",
  pictureOf: "a picture of a {A} {R} a {B}",
  definite: "the {A} is {R} the {B}",
  withSide: "a {B} with a {A} {S}",
  hasSide: "a {B} has a {A} {S}",
};

export const OBJECTS_TEMPLATES: Readonly<Record<ObjectsTemplate, string>> = {
  bare: "{L}",
  thereIs: "there is {L}",
  pictureOf: "a picture of {L}",
  imageWith: "an image with {L}",
};

export const RELATION_TEMPLATE_IDS = Object.keys(RELATION_TEMPLATES) as RelationTemplate[];
export const OBJECTS_TEMPLATE_IDS = Object.keys(OBJECTS_TEMPLATES) as ObjectsTemplate[];

/** Infix wordings: "{A} to the left of {B}". Index i of a relation pairs with index i of its opposite. */
export const INFIX_WORDINGS: Readonly<Record<RelationName, readonly string[]>> = {
  left: ["to the left of", "left of", "on the left of"],
  right: ["to the right of", "right of", "on the right of"],
  above: ["above", "over"],
  below: ["below", "under"],
};

/** Side wordings, said of {A} relative to the {B} named before it: "a blue circle with a red square on its left". */
export const SIDE_WORDINGS: Readonly<Record<RelationName, readonly string[]>> = {
  left: ["on its left", "to its left"],
  right: ["on its right", "to its right"],
  above: ["above it", "over it"],
  below: ["below it", "under it"],
};

export function relationWordings(template: RelationTemplate, relation: RelationName): readonly string[] {
  return RELATION_TEMPLATES[template].includes("{S}") ? SIDE_WORDINGS[relation] : INFIX_WORDINGS[relation];
}

export function renderNounPhrase(phrase: NounPhrase): string {
  const words: string[] = [];
  if (phrase.size) words.push(phrase.size);
  words.push(phrase.colour);
  if (phrase.texture) words.push(phrase.texture);
  words.push(phrase.shape);
  return words.join(" ");
}

export function renderCaption(spec: CaptionSpec): string {
  if (spec.kind === "objects") {
    const list = spec.phrases.map((p) => `a ${renderNounPhrase(p)}`).join(" and ");
    return OBJECTS_TEMPLATES[spec.template].replace("{L}", list);
  }
  const wordings = relationWordings(spec.template, spec.relation);
  const wording = wordings[spec.wording];
  if (wording === undefined)
    throw new Error(`renderCaption: no wording ${spec.wording} for ${spec.relation}`);
  return RELATION_TEMPLATES[spec.template]
    .replace("{A}", renderNounPhrase(spec.phrases[0]))
    .replace("{B}", renderNounPhrase(spec.phrases[1]))
    .replace(/\{[RS]\}/, wording);
}

/** Every word the grammar can produce (a closed vocabulary for a word-level tokenizer), sorted. */
export function shapesWorldWords(): string[] {
  const texts = [
    ...Object.values(RELATION_TEMPLATES),
    ...Object.values(OBJECTS_TEMPLATES),
    "a {X} and",
    ...RELATIONS.flatMap((r) => [...INFIX_WORDINGS[r], ...SIDE_WORDINGS[r]]),
  ];
  const words = new Set<string>([...SHAPES, ...COLOURS, ...SIZES, ...TEXTURES]);
  for (const text of texts) {
    for (const word of text.split(" ")) if (!word.startsWith("{")) words.add(word);
  }
  return [...words].sort();
}
