import { capitalize, indefiniteArticle, isCapitalized, uncapitalize } from "./inflect.js";
import { isSentenceStart, joinedBySpace, type Token } from "./tokens.js";

/** Replace the words of tokens [start, end) by text; the text before and after the span stays. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * Renders a caption with edits, re-agreeing "a"/"an" directly before each edited span
 * ("an apple" -> "a banana"); any other article of the caption is left as written.
 */
export function applyEdits(tokens: readonly Token[], edits: readonly Edit[]): string {
  const all = [...edits];
  const covered = (i: number) => all.some((edit) => i >= edit.start && i < edit.end);
  for (const edit of edits) {
    const i = edit.start - 1;
    if (i < 0 || covered(i) || !joinedBySpace(tokens, i)) continue;
    const article = tokens[i].lower;
    if (article !== "a" && article !== "an") continue;
    const agreed = indefiniteArticle(edit.text.split(/[\s-]/)[0]);
    if (agreed !== article) {
      all.push({ start: i, end: i + 1, text: isCapitalized(tokens[i].text) ? capitalize(agreed) : agreed });
    }
  }
  all.sort((a, b) => a.start - b.start);
  let out = "";
  let i = 0;
  for (const edit of all) {
    for (; i < edit.start; i++) out += tokens[i].pre + tokens[i].text + tokens[i].post;
    out += tokens[edit.start].pre + edit.text + tokens[edit.end - 1].post;
    i = edit.end;
  }
  for (; i < tokens.length; i++) out += tokens[i].pre + tokens[i].text + tokens[i].post;
  return out;
}

/** A lowercase word styled for slot i: capitalised where the slot opened a sentence with a capital. */
export function styleForSlot(word: string, tokens: readonly Token[], i: number): string {
  return isSentenceStart(tokens, i) && isCapitalized(tokens[i].text) ? capitalize(word) : word;
}

/**
 * The words of a span as they would read mid-sentence: the sentence-initial capital goes
 * ("Dogs" -> "dogs"), an acronym's stays ("TV"). Inner separators (spaces, hyphens) are kept.
 * Proper nouns are rare in captions and the tagger over-reports them, so they are not kept.
 */
export function spanText(tokens: readonly Token[], start: number, end: number): string {
  let text = "";
  for (let i = start; i < end; i++) {
    text += tokens[i].text + (i < end - 1 ? tokens[i].post + tokens[i + 1].pre : "");
  }
  const first = tokens[start].text;
  const acronym = first.length > 1 && first === first.toUpperCase();
  return isSentenceStart(tokens, start) && !acronym && first !== "I" ? uncapitalize(text) : text;
}
