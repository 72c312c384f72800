import { pluralize } from "./inflect.js";
import { NOUN_INDEX, type NounHit } from "./nounLexicon.js";
import { PREPOSITION_INDEX } from "./prepositionLexicon.js";
import { correctRoles, type Span, spanPhrase, startsNounPhrase } from "./roles.js";
import { joinedBySpace, type Token, tokenize } from "./tokens.js";

export type { Span } from "./roles.js";

export type NounNumber = "singular" | "plural" | "mass";

/** A run of nouns read as one thing ("fire hydrant", "laptop keyboard"); its last word is the head. */
export interface NounUnit extends Span {
  number: NounNumber;
  /** The lexicon noun ending at the head ("keyboard" in "laptop keyboard"), if any. */
  lexicon?: Span & { hit: NounHit };
}

export interface CaptionAnalysis {
  caption: string;
  tokens: Token[];
  nounUnits: NounUnit[];
  /** Lexicon prepositions followed by a noun phrase ("on", "in front of"). */
  prepositions: Span[];
}

/**
 * Nouns that frame, count or locate rather than name a thing ("a group of", "a picture of",
 * "the side of"): they are not nouns for swapping or replacing.
 */
const FRAME_NOUNS: ReadonlySet<string> = new Set(
  (
    "group groups bunch bunches couple pair pairs herd herds flock flocks lot lots number variety kind sort " +
    "type picture pictures photo photos photograph image images view shot closeup close-up piece pieces " +
    "side sides top front back middle edge corner bottom end center centre inside outside background " +
    "foreground area part parts"
  ).split(" "),
);

const PLURAL_DETERMINERS: ReadonlySet<string> = new Set([
  "these",
  "those",
  "several",
  "many",
  "some",
  "both",
]);

function singlePrepositions(tokens: Token[], claimed: readonly boolean[]): Span[] {
  const out: Span[] = [];
  tokens.forEach((token, i) => {
    if (claimed[i] || !PREPOSITION_INDEX.has(token.lower)) return;
    if (token.role === "noun" || token.role === "det" || token.role === "num") return;
    if (!joinedBySpace(tokens, i) || !startsNounPhrase(tokens[i + 1])) return;
    token.role = "prep";
    out.push({ start: i, end: i + 1 });
  });
  return out;
}

const SINGULAR_DETERMINERS: ReadonlySet<string> = new Set([
  "a",
  "an",
  "one",
  "each",
  "every",
  "another",
  "this",
]);

/** The determiner decides first ("a slice", "several sheep"), then the lexicon, then the tagger. */
function unitNumber(tokens: readonly Token[], start: number, head: number, lexiconHit?: NounHit): NounNumber {
  const headToken = tokens[head];
  const before = tokens[start - 1];
  const beforeWord = before?.lower ?? "";
  const after = tokens[head + 1]?.lower ?? "";
  const uncountable = headToken.tags.has("Uncountable") && !lexiconHit;
  if (SINGULAR_DETERMINERS.has(beforeWord)) return uncountable ? "mass" : "singular";
  if ((before?.role === "num" && beforeWord !== "one") || PLURAL_DETERMINERS.has(beforeWord)) return "plural";
  // "sheep", "broccoli": one form for both numbers, so the verb decides, else plural.
  const invariant = lexiconHit !== undefined && pluralize(headToken.lower) === headToken.lower;
  if (invariant) return after === "is" || after === "was" ? "singular" : "plural";
  if (lexiconHit) return lexiconHit.plural ? "plural" : "singular";
  if (uncountable) return after === "are" || after === "were" ? "plural" : "mass";
  return headToken.tags.has("Plural") ? "plural" : "singular";
}

function findNounUnits(tokens: readonly Token[]): NounUnit[] {
  const isContentNoun = (i: number) => tokens[i].role === "noun" && !FRAME_NOUNS.has(tokens[i].lower);
  const units: NounUnit[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (!isContentNoun(i)) continue;
    let end = i + 1;
    while (end < tokens.length && isContentNoun(end) && joinedBySpace(tokens, end - 1)) end++;
    const head = end - 1;
    let lexicon: NounUnit["lexicon"];
    for (let start = i; start <= head && !lexicon; start++) {
      const hit = NOUN_INDEX.get(spanPhrase(tokens, { start, end }));
      if (hit) lexicon = { start, end, hit };
    }
    units.push({ start: i, end, number: unitNumber(tokens, i, head, lexicon?.hit), lexicon });
    i = end - 1;
  }
  return units;
}

/** Tokens, roles, noun units and replaceable prepositions of a caption. */
export function analyseCaption(caption: string): CaptionAnalysis {
  const tokens = tokenize(caption);
  const claimed = tokens.map(() => false);
  const multiPrepositions = correctRoles(tokens, claimed).filter(
    (span) =>
      span.end < tokens.length && joinedBySpace(tokens, span.end - 1) && startsNounPhrase(tokens[span.end]),
  );
  const prepositions = [...multiPrepositions, ...singlePrepositions(tokens, claimed)].sort(
    (a, b) => a.start - b.start,
  );
  return { caption, tokens, nounUnits: findNounUnits(tokens), prepositions };
}
