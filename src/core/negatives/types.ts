/**
 * Negative types in a fixed order. The first four are CE-CLIP's K = 4 types, in its order,
 * so index k is the k-th adaptive threshold; the rest are extra edits (FSC-CLIP style).
 */
export const NEGATIVE_GENERATOR_TYPES = [
  "nounSwap",
  "adjectiveReplace",
  "nounReplace",
  "verbReplace",
  "prepositionReplace",
  "adjectiveSwap",
  "bigramShuffle",
] as const;

export type NegativeGeneratorType = (typeof NEGATIVE_GENERATOR_TYPES)[number];

/** CE-CLIP's four types (swap first two nouns, replace adjective, noun, verb). */
export const CECLIP_NEGATIVE_TYPES: readonly NegativeGeneratorType[] = NEGATIVE_GENERATOR_TYPES.slice(0, 4);

/** Short labels for the UI. */
export const NEGATIVE_GENERATOR_LABELS: Readonly<Record<NegativeGeneratorType, string>> = {
  nounSwap: "swap the first two nouns",
  adjectiveReplace: "replace an adjective",
  nounReplace: "replace a noun",
  verbReplace: "replace a verb",
  prepositionReplace: "replace a preposition",
  adjectiveSwap: "swap adjectives between nouns",
  bigramShuffle: "shuffle word pairs",
};

export function isNegativeGeneratorType(name: string): name is NegativeGeneratorType {
  return (NEGATIVE_GENERATOR_TYPES as readonly string[]).includes(name);
}

/** Texts, validity mask (1 made, 0 could not apply: text "") and type names, one per type. */
export interface GeneratedNegatives {
  texts: string[];
  mask: number[];
  types: NegativeGeneratorType[];
}
