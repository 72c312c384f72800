/**
 * Co-hyponym lexicons. An axis is a set of mutually exclusive alternatives ("colour":
 * red, blue, ...); each class on it lists synonyms, canonical first ("gray|grey"), so a
 * replacement moves to another class and never to a synonym (that would be a false negative).
 * Written as compact strings: classes separated by ",", synonyms by "|".
 */

export interface CohyponymAxis {
  category: string;
  classes: readonly (readonly string[])[];
}

/** One place a surface word sits in a lexicon. */
export interface LexiconHit {
  axis: CohyponymAxis;
  classIndex: number;
}

export function parseAxis(category: string, spec: string): CohyponymAxis {
  const classes = spec
    .split(",")
    .map((item) => item.split("|").map((word) => word.trim().toLowerCase()))
    .filter((words) => words[0].length > 0);
  return { category, classes };
}

/** Every (axis, class) a word belongs to, keyed by its lowercase form. */
export function indexAxes(axes: readonly CohyponymAxis[]): Map<string, LexiconHit[]> {
  const index = new Map<string, LexiconHit[]>();
  for (const axis of axes) {
    axis.classes.forEach((words, classIndex) => {
      for (const word of words) {
        const hits = index.get(word) ?? [];
        hits.push({ axis, classIndex });
        index.set(word, hits);
      }
    });
  }
  return index;
}

/**
 * Canonical words of every other class on every axis the word is on, deduplicated, in
 * lexicon order; synonyms of the word itself are excluded even when another axis lists them.
 */
export function alternativesOf(hits: readonly LexiconHit[]): string[] {
  const own = new Set(hits.flatMap((hit) => hit.axis.classes[hit.classIndex]));
  const out: string[] = [];
  for (const hit of hits) {
    hit.axis.classes.forEach((words, classIndex) => {
      if (classIndex === hit.classIndex || words.some((word) => own.has(word))) return;
      if (!out.includes(words[0])) out.push(words[0]);
    });
  }
  return out;
}
