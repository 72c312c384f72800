import type { ClipTokenizer } from "../clip/tokenizer.js";
import { analyseCaption } from "../negatives/analyse.js";

/**
 * Content words (nouns and adjectives) of captions: the keyword vocabulary (after SIMLA) and
 * the patches image-side negatives edit (after NAS) both start from them.
 */

/** Nouns that frame or locate rather than name a visible thing, and closed-class words the tagger calls nouns ("of" in "to the right of"). */
const NOT_CONTENT: ReadonlySet<string> = new Set(
  (
    "picture pictures image images photo photos photograph view shot scene there " +
    "left right top bottom front back side middle center centre edge corner " +
    "of to in on at by for with from into onto under over above below behind near next"
  ).split(" "),
);

/** The lower-case words of a text, as keyword targets are matched ("Blue-green cube." -> blue-green, cube). */
export function captionWords(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+(?:['-][a-z0-9]+)*/g) ?? [];
}

/**
 * Nouns and adjectives of a caption, lower case, in order (repeats kept). A participle
 * right before a noun or adjective counts as an adjective ("a dotted circle").
 */
export function contentWords(caption: string): string[] {
  const { tokens } = analyseCaption(caption);
  const words: string[] = [];
  tokens.forEach((token, i) => {
    const next = tokens[i + 1];
    const attributive =
      token.role === "verb" &&
      (token.tags.has("PastTense") || token.tags.has("Participle") || token.tags.has("Gerund")) &&
      (next?.role === "noun" || next?.role === "adj");
    if (token.role !== "noun" && token.role !== "adj" && !attributive) return;
    for (const word of captionWords(token.lower)) if (!NOT_CONTENT.has(word)) words.push(word);
  });
  return words;
}

/** Word counts over captions: how many captions contain each content word. */
export function contentWordCounts(captions: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const caption of captions) {
    for (const word of new Set(contentWords(caption))) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

/** The `size` most frequent words (most captions first, then alphabetical: deterministic). */
export function mostFrequent(counts: Map<string, number>, size: number): string[] {
  return [...counts]
    .sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, size)
    .map(([word]) => word);
}

/** The token ids that spell the words (start and end tokens removed), e.g. "cube" -> [id of "cube</w>"]. */
export function wordTokenIds(tokenizer: ClipTokenizer, words: Iterable<string>): Set<number> {
  const ids = new Set<number>();
  for (const word of words) {
    for (const id of tokenizer.tokenize(word)) {
      if (id !== tokenizer.bosTokenId && id !== tokenizer.eosTokenId) ids.add(id);
    }
  }
  return ids;
}
