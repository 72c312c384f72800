import type { Rng } from "../data/random.js";
import type { CaptionAnalysis } from "./analyse.js";
import { capitalize, isCapitalized } from "./inflect.js";
import { spanText } from "./render.js";

/**
 * FSC-CLIP's bigram shuffle: cut the words into consecutive pairs and put the pairs in a
 * different order. Commas stay on their word; sentence marks go from inside (a two-sentence
 * caption reads as one) and the closing one stays at the end; the capital moves to the new
 * first word. Null below three words or when no order differs.
 */
export function bigramShuffle(analysis: CaptionAnalysis, rng: Rng): string | null {
  const { tokens } = analysis;
  if (tokens.length < 3) return null;
  const last = tokens.length - 1;
  const closing = /[.!?]+/.exec(tokens[last].post)?.[0] ?? "";
  const glued = tokens.map((token, i) =>
    (token.pre + spanText(tokens, i, i + 1) + token.post).replace(/[.!?]+(?=\s|$)/g, "").trim(),
  );
  const bigrams: string[] = [];
  for (let i = 0; i < glued.length; i += 2) bigrams.push(glued.slice(i, i + 2).join(" "));
  const identity = bigrams.map((_, i) => i);
  for (let attempt = 0; attempt < 8; attempt++) {
    let order = rng.shuffle(identity);
    // A shuffle that left everything in place becomes a rotation, which never does.
    if (order.every((value, i) => value === i)) order = [...order.slice(1), order[0]];
    const body = order.map((i) => bigrams[i]).join(" ");
    if (body === bigrams.join(" ")) continue;
    return (isCapitalized(tokens[0].text) ? capitalize(body) : body) + closing;
  }
  return null;
}
