import type { CaptionAnalysis, NounNumber, NounUnit } from "./analyse.js";
import { pluralize, singularize } from "./inflect.js";
import { applyEdits, spanText, styleForSlot } from "./render.js";

/** A unit's words with its head re-inflected to the number of the slot it moves into. */
function unitInSlot(analysis: CaptionAnalysis, unit: NounUnit, slotNumber: NounNumber): string {
  const { tokens } = analysis;
  const head = unit.end - 1;
  const before =
    spanText(tokens, unit.start, head) + (head > unit.start ? tokens[head - 1].post + tokens[head].pre : "");
  let headText = head > unit.start ? tokens[head].text : spanText(tokens, head, unit.end);
  const countable = unit.number !== "mass" && slotNumber !== "mass";
  if (countable && unit.number !== slotNumber) {
    const acronym = headText.length > 1 && headText === headText.toUpperCase();
    if (acronym) headText = slotNumber === "plural" ? `${headText}s` : headText.replace(/s$/, "");
    else headText = slotNumber === "plural" ? pluralize(headText) : singularize(headText);
  }
  return before + headText;
}

/**
 * CE-CLIP type 0: swap the first two nouns, only when the caption has 3+ nouns (else null).
 * Nouns are noun units (compounds like "fire hydrant" move whole; frame nouns such as
 * "group" or "side" do not count). Each slot keeps its number, so a moved noun is
 * re-inflected ("Two dogs chasing a ball" -> "Two balls chasing a dog"). Null too when the
 * two are only coordinated ("a boy and a girl"): that swap says the same. The seed is unused.
 */
export function nounSwap(analysis: CaptionAnalysis): string | null {
  const { tokens, nounUnits, caption } = analysis;
  if (nounUnits.length < 3) return null;
  const [first, second] = nounUnits;
  // "A man and a woman ...": swapping coordinated nouns keeps the meaning, so it is no negative.
  const between = tokens.slice(first.end, second.start);
  if (between.every((token) => token.role === "conj" || token.role === "det")) return null;
  const text = applyEdits(tokens, [
    {
      start: first.start,
      end: first.end,
      text: styleForSlot(unitInSlot(analysis, second, first.number), tokens, first.start),
    },
    {
      start: second.start,
      end: second.end,
      text: styleForSlot(unitInSlot(analysis, first, second.number), tokens, second.start),
    },
  ]);
  return text.toLowerCase() === caption.toLowerCase() ? null : text;
}
