/** English noun number, indefinite articles and capitalisation, for edited captions. */

const IRREGULAR_PLURALS: Record<string, string> = {
  man: "men",
  woman: "women",
  gentleman: "gentlemen",
  child: "children",
  person: "people",
  foot: "feet",
  tooth: "teeth",
  mouse: "mice",
  goose: "geese",
  ox: "oxen",
  sheep: "sheep",
  deer: "deer",
  fish: "fish",
  cattle: "cattle",
  knife: "knives",
  wife: "wives",
  life: "lives",
  leaf: "leaves",
  shelf: "shelves",
  loaf: "loaves",
  half: "halves",
  wolf: "wolves",
  calf: "calves",
  scarf: "scarves",
  tomato: "tomatoes",
  potato: "potatoes",
  bus: "buses",
  broccoli: "broccoli",
};

const IRREGULAR_SINGULARS: Record<string, string> = Object.fromEntries(
  Object.entries(IRREGULAR_PLURALS).map(([singular, plural]) => [plural, singular]),
);

/** Plural of a lowercase singular noun; a multi-word noun inflects its last word. */
export function pluralize(noun: string): string {
  const space = noun.lastIndexOf(" ");
  if (space >= 0) return noun.slice(0, space + 1) + pluralize(noun.slice(space + 1));
  const irregular = IRREGULAR_PLURALS[noun];
  if (irregular) return irregular;
  if (/(s|x|z|ch|sh)$/.test(noun)) return noun + "es";
  if (/[^aeiou]y$/.test(noun)) return noun.slice(0, -1) + "ies";
  return noun + "s";
}

/** Singular of a lowercase plural noun (inverse of pluralize for the words we generate). */
export function singularize(noun: string): string {
  const space = noun.lastIndexOf(" ");
  if (space >= 0) return noun.slice(0, space + 1) + singularize(noun.slice(space + 1));
  const irregular = IRREGULAR_SINGULARS[noun];
  if (irregular) return irregular;
  if (/[^aeiou]ies$/.test(noun)) return noun.slice(0, -3) + "y";
  if (/(ss|x|z|ch|sh)es$/.test(noun)) return noun.slice(0, -2);
  if (/[^s]s$/.test(noun)) return noun.slice(0, -1);
  return noun;
}

/** Vowel-sound heuristic: "an apple", "an hour", "a unicorn", "a one-way street", "an 8". */
export function indefiniteArticle(nextWord: string): "a" | "an" {
  const word = nextWord.toLowerCase();
  if (/^(hour|honest|honou?r|heir)/.test(word)) return "an";
  if (/^(uni|use|usu|ute|uto|eu|ewe|one|once)/.test(word)) return "a";
  if (/^u[^aeiou][aeiou]/.test(word) && !/^un/.test(word)) return "a";
  if (/^[aeiou8]/.test(word) || /^(11|18)(\D|$)/.test(word)) return "an";
  return "a";
}

export function capitalize(word: string): string {
  return word.length === 0 ? word : word[0].toUpperCase() + word.slice(1);
}

export function uncapitalize(word: string): string {
  return word.length === 0 ? word : word[0].toLowerCase() + word.slice(1);
}

export function isCapitalized(word: string): boolean {
  return word.length > 0 && word[0] !== word[0].toLowerCase();
}
