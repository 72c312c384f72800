import type { Rng } from "../data/random.js";
import type { CaptionAnalysis, Span } from "./analyse.js";
import { applyEdits, styleForSlot } from "./render.js";

/** A span that can be replaced, with its lowercase alternatives already in the span's form. */
export interface ReplacementSlot extends Span {
  options: readonly string[];
}

/**
 * Replaces one slot by one alternative, both drawn from rng. Alternatives the caption already
 * contains are avoided while others exist ("a red and white bus" never becomes "a white and
 * white bus"). Null when no slot yields a text different from the caption.
 */
export function replaceOne(
  analysis: CaptionAnalysis,
  slots: readonly ReplacementSlot[],
  rng: Rng,
): string | null {
  const { tokens, caption } = analysis;
  const present = ` ${tokens.map((token) => token.lower).join(" ")} `;
  for (const slot of rng.shuffle(slots.filter((s) => s.options.length > 0))) {
    const fresh = slot.options.filter((option) => !present.includes(` ${option} `));
    for (const option of rng.shuffle(fresh.length > 0 ? fresh : slot.options)) {
      const text = applyEdits(tokens, [
        { start: slot.start, end: slot.end, text: styleForSlot(option, tokens, slot.start) },
      ]);
      if (text !== caption) return text;
    }
  }
  return null;
}
