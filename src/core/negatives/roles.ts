import { ADJECTIVE_INDEX } from "./adjectiveLexicon.js";
import { MAX_NOUN_WORDS, NOUN_INDEX } from "./nounLexicon.js";
import { MAX_PREPOSITION_WORDS, PREPOSITION_INDEX } from "./prepositionLexicon.js";
import { joinedBySpace, type Token } from "./tokens.js";
import { VERB_INDEX } from "./verbLexicon.js";

/**
 * Corrections of the tagger's usual slips on captions ("a man riding" read as a noun, "a wave"
 * as a verb, "snowy" as a noun), using the lexicons; multi-word lexicon units are claimed first.
 */

/** Tokens [start, end). */
export interface Span {
  start: number;
  end: number;
}

/** Nouns in -ing that the gerund fix below must leave alone ("a kitchen ceiling"). */
const ING_NOUNS: ReadonlySet<string> = new Set(
  (
    "ceiling building clothing painting wedding railing evening morning king ring thing string wing " +
    "icing topping frosting dressing stuffing pudding awning lighting parking crossing landing opening " +
    "sibling duckling seedling dumpling bedding siding sailing"
  ).split(" "),
);

/** Longest n such that tokens [i, i + n) spell a key of the index, space-separated. */
function longestMatch(
  tokens: readonly Token[],
  i: number,
  maxWords: number,
  has: (phrase: string) => boolean,
) {
  let phrase = "";
  let best = 0;
  for (let n = 1; n <= maxWords && i + n <= tokens.length; n++) {
    if (n > 1 && !joinedBySpace(tokens, i + n - 2)) break;
    phrase = n === 1 ? tokens[i].lower : `${phrase} ${tokens[i + n - 1].lower}`;
    if (has(phrase)) best = n;
  }
  return best;
}

export function spanPhrase(tokens: readonly Token[], span: Span): string {
  return tokens
    .slice(span.start, span.end)
    .map((token) => token.lower)
    .join(" ");
}

/** A determiner, number, adjective or noun: what follows a preposition or a transitive verb. */
export function startsNounPhrase(token: Token | undefined): boolean {
  return token !== undefined && ["det", "num", "adj", "noun"].includes(token.role);
}

/** Fixes the tagger's usual slips on captions with the lexicons; returns multi-word prepositions. */
export function correctRoles(tokens: Token[], claimed: boolean[]): Span[] {
  const multiPrepositions: Span[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const n = longestMatch(tokens, i, MAX_PREPOSITION_WORDS, (p) => PREPOSITION_INDEX.has(p));
    if (n < 2) continue;
    for (let k = i; k < i + n; k++) {
      tokens[k].role = "prep";
      claimed[k] = true;
    }
    multiPrepositions.push({ start: i, end: i + n });
    i += n - 1;
  }
  for (let i = 0; i < tokens.length; i++) {
    if (claimed[i]) continue;
    const n = longestMatch(tokens, i, MAX_NOUN_WORDS, (p) => NOUN_INDEX.has(p));
    if (n < 2 || claimed.slice(i, i + n).some(Boolean)) continue;
    for (let k = i; k < i + n; k++) {
      tokens[k].role = "noun";
      claimed[k] = true;
    }
    i += n - 1;
  }
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const previous = tokens[i - 1];
    if (claimed[i]) continue;
    // Nothing right after an article is a verb: "a wave", "a sleeping cat".
    if (token.role === "verb" && previous?.role === "det") {
      token.role = tokens[i + 1]?.role === "noun" ? "adj" : "noun";
    }
    // "a man riding a horse", "children playing with": a gerund after a noun is the verb.
    const isGerund =
      (VERB_INDEX.get(token.lower)?.some((hit) => hit.form === 2) ?? false) ||
      (/ing$/.test(token.lower) && !ING_NOUNS.has(token.lower) && tokens[i + 1]?.role !== "noun");
    if (token.role === "noun" && isGerund && (previous?.role === "noun" || previous?.role === "pron")) {
      token.role = "verb";
      // The tagger then read the object as a verb: "riding bikes", "eating leaves".
      const next = tokens[i + 1];
      if (
        next?.role === "verb" &&
        next.tags.has("PresentTense") &&
        /s$/.test(next.lower) &&
        !claimed[i + 1]
      ) {
        next.role = "noun";
        next.tags = new Set([...next.tags, "Noun", "Plural"]);
      }
    }
  }
  // Right to left, so "a red metal sink" sees "metal" as an adjective before "red".
  for (let i = tokens.length - 2; i >= 0; i--) {
    const token = tokens[i];
    if (claimed[i] || !["noun", "verb", "other"].includes(token.role)) continue;
    const isAdjectiveWord = ADJECTIVE_INDEX.get(token.lower)?.some((hit) => hit.axis.category !== "number");
    const next = tokens[i + 1];
    if (isAdjectiveWord && joinedBySpace(tokens, i) && (next.role === "noun" || next.role === "adj")) {
      token.role = "adj";
    }
  }
  return multiPrepositions;
}
