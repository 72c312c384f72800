import nlp from "compromise";
import { NUMBER_WORDS } from "./adjectiveLexicon.js";

/** Coarse part of speech used by the generators (after lexicon corrections in analyse.ts). */
export type Role = "det" | "num" | "adj" | "noun" | "verb" | "aux" | "prep" | "conj" | "pron" | "other";

/** One word with the text around it, so a caption re-renders exactly: pre + text + post. */
export interface Token {
  text: string;
  pre: string;
  post: string;
  lower: string;
  tags: ReadonlySet<string>;
  role: Role;
}

/** The fields of compromise's term JSON that we read. */
interface CompromiseTerm {
  text: string;
  pre: string;
  post: string;
  tags: string[];
}

/** Closed class the tagger sometimes gets wrong ("a remote" -> "a" as a noun). */
const DETERMINERS: ReadonlySet<string> = new Set([
  "a",
  "an",
  "the",
  "this",
  "these",
  "those",
  "some",
  "his",
  "her",
  "its",
  "their",
  "my",
  "your",
  "our",
  "each",
  "every",
  "another",
  "several",
  "many",
  "both",
  "no",
  "any",
]);

function baseRole(lower: string, tags: ReadonlySet<string>): Role {
  if (DETERMINERS.has(lower) || tags.has("Possessive") || tags.has("Determiner")) return "det";
  if (NUMBER_WORDS.has(lower) || tags.has("Cardinal")) return "num";
  if (tags.has("Pronoun")) return "pron";
  if (tags.has("Auxiliary") || tags.has("Copula") || tags.has("Modal")) return "aux";
  if (tags.has("Preposition")) return "prep";
  if (tags.has("Conjunction")) return "conj";
  if (tags.has("Adjective")) return "adj";
  if (tags.has("Verb")) return "verb";
  if (tags.has("Noun")) return "noun";
  return "other";
}

/**
 * Words of a caption with compromise's tags. Contractions give terms with empty text ("it's"
 * -> "it" + implicit "is"); their surrounding text moves onto the previous word so the
 * caption still re-renders exactly.
 */
export function tokenize(caption: string): Token[] {
  const sentences = nlp(caption).json({ offset: false }) as { terms: CompromiseTerm[] }[];
  const tokens: Token[] = [];
  let leading = "";
  for (const term of sentences.flatMap((sentence) => sentence.terms)) {
    if (term.text === "") {
      const previous = tokens[tokens.length - 1];
      if (previous) previous.post += term.pre + term.post;
      else leading += term.pre + term.post;
      continue;
    }
    const lower = term.text.toLowerCase();
    const tags = new Set(term.tags);
    tokens.push({
      text: term.text,
      pre: leading + term.pre,
      post: term.post,
      lower,
      tags,
      role: baseRole(lower, tags),
    });
    leading = "";
  }
  return tokens;
}

export function renderTokens(tokens: readonly Token[]): string {
  return tokens.map((token) => token.pre + token.text + token.post).join("");
}

/** Only spaces between tokens i and i + 1 (no comma, hyphen or sentence break). */
export function joinedBySpace(tokens: readonly Token[], i: number): boolean {
  return (tokens[i].post + tokens[i + 1].pre).trim() === "";
}

export function isSentenceStart(tokens: readonly Token[], i: number): boolean {
  return i === 0 || /[.!?]/.test(tokens[i - 1].post + tokens[i].pre);
}
