import type { Rng } from "../data/random.js";
import { ADJECTIVE_INDEX } from "./adjectiveLexicon.js";
import type { CaptionAnalysis } from "./analyse.js";
import { applyEdits, spanText, styleForSlot } from "./render.js";
import { joinedBySpace } from "./tokens.js";

/** Indices of the adjectives written right before a noun unit ("a large black dog" -> large, black). */
function prenominalAdjectives(analysis: CaptionAnalysis, unitStart: number): number[] {
  const { tokens } = analysis;
  const out: number[] = [];
  for (let i = unitStart - 1; i >= 0 && tokens[i].role === "adj" && joinedBySpace(tokens, i); i--)
    out.unshift(i);
  return out;
}

function categories(word: string): string[] {
  return (ADJECTIVE_INDEX.get(word) ?? []).map((hit) => hit.axis.category);
}

/**
 * Swap one adjective between two nouns ("a red car next to a blue truck" -> "a blue car next
 * to a red truck"). Pairs within one lexicon category (colour with colour) are preferred;
 * otherwise any two different adjectives. Null when fewer than two nouns carry adjectives.
 */
export function adjectiveSwap(analysis: CaptionAnalysis, rng: Rng): string | null {
  const { tokens, caption } = analysis;
  const phrases = analysis.nounUnits
    .map((unit) => prenominalAdjectives(analysis, unit.start))
    .filter((adjectives) => adjectives.length > 0);
  const pairs: [number, number][] = [];
  for (let p = 0; p < phrases.length; p++) {
    for (let q = p + 1; q < phrases.length; q++) {
      for (const a of phrases[p]) {
        for (const b of phrases[q]) if (tokens[a].lower !== tokens[b].lower) pairs.push([a, b]);
      }
    }
  }
  const sameCategory = pairs.filter(([a, b]) =>
    categories(tokens[a].lower).some((c) => categories(tokens[b].lower).includes(c)),
  );
  for (const [a, b] of rng.shuffle(sameCategory.length > 0 ? sameCategory : pairs)) {
    const text = applyEdits(tokens, [
      { start: a, end: a + 1, text: styleForSlot(spanText(tokens, b, b + 1), tokens, a) },
      { start: b, end: b + 1, text: styleForSlot(spanText(tokens, a, a + 1), tokens, b) },
    ]);
    if (text !== caption) return text;
  }
  return null;
}
