import type { Rng } from "../data/random.js";
import { ADJECTIVE_INDEX } from "./adjectiveLexicon.js";
import type { CaptionAnalysis } from "./analyse.js";
import { alternativesOf } from "./cohyponyms.js";
import { pluralize } from "./inflect.js";
import { PREPOSITION_INDEX } from "./prepositionLexicon.js";
import { type ReplacementSlot, replaceOne } from "./replaceOne.js";
import { spanPhrase, startsNounPhrase } from "./roles.js";
import { joinedBySpace } from "./tokens.js";
import { VERB_INDEX, verbAlternatives } from "./verbLexicon.js";

/**
 * The four replacement types. Each changes one word, or one multi-word lexicon unit
 * ("hot dog", "in front of"), plus the "a"/"an" right before it when the sound changes.
 */

/** An adjective (colour, size, material, pattern, state) or a number word by a co-hyponym. */
export function adjectiveReplace(analysis: CaptionAnalysis, rng: Rng): string | null {
  const slots: ReplacementSlot[] = [];
  analysis.tokens.forEach((token, i) => {
    if (token.role !== "adj" && token.role !== "num") return;
    const isNumber = token.role === "num";
    const hits = (ADJECTIVE_INDEX.get(token.lower) ?? []).filter(
      (hit) => (hit.axis.category === "number") === isNumber,
    );
    if (hits.length > 0) slots.push({ start: i, end: i + 1, options: alternativesOf(hits) });
  });
  return replaceOne(analysis, slots, rng);
}

/** The head of a noun phrase by another noun of its category, in the same number. */
export function nounReplace(analysis: CaptionAnalysis, rng: Rng): string | null {
  const slots: ReplacementSlot[] = [];
  for (const unit of analysis.nounUnits) {
    if (!unit.lexicon) continue;
    const options = alternativesOf(unit.lexicon.hit.hits);
    slots.push({
      start: unit.lexicon.start,
      end: unit.lexicon.end,
      options: unit.number === "plural" ? options.map(pluralize) : options,
    });
  }
  return replaceOne(analysis, slots, rng);
}

/** A verb by another that fits its frame (with or without an object), in the same form. */
export function verbReplace(analysis: CaptionAnalysis, rng: Rng): string | null {
  const { tokens } = analysis;
  const slots: ReplacementSlot[] = [];
  tokens.forEach((token, i) => {
    const hits = token.role === "verb" ? VERB_INDEX.get(token.lower) : undefined;
    if (!hits) return;
    const hasObject = i + 1 < tokens.length && joinedBySpace(tokens, i) && startsNounPhrase(tokens[i + 1]);
    slots.push({ start: i, end: i + 1, options: verbAlternatives(hits, hasObject) });
  });
  return replaceOne(analysis, slots, rng);
}

/** A preposition by another of its axis (place, direction, with/without). */
export function prepositionReplace(analysis: CaptionAnalysis, rng: Rng): string | null {
  const slots: ReplacementSlot[] = analysis.prepositions.map((span) => ({
    ...span,
    options: alternativesOf(PREPOSITION_INDEX.get(spanPhrase(analysis.tokens, span)) ?? []),
  }));
  return replaceOne(analysis, slots, rng);
}
