/**
 * Verb co-hyponyms with their forms: base, third person, gerund, past ("sit sits sitting sat").
 * Groups keep the verb's frame: posture and motion verbs take a prepositional phrase,
 * handling verbs a direct object, gaze verbs an "at" phrase, so a replacement stays grammatical.
 * Within a group, classes are separated by "," and synonyms by "|".
 */

export const VERB_FORM_NAMES = ["base", "third", "gerund", "past"] as const;

const VERB_GROUPS: Record<string, string> = {
  posture:
    "sit sits sitting sat, stand stands standing stood, lie lies lying lay|lay lays laying laid, kneel kneels kneeling knelt, lean leans leaning leaned, crouch crouches crouching crouched|squat squats squatting squatted, sleep sleeps sleeping slept|rest rests resting rested, perch perches perching perched",
  motion:
    "walk walks walking walked, run runs running ran, jump jumps jumping jumped, swim swims swimming swam, fly flies flying flew, ski skis skiing skied, surf surfs surfing surfed, skateboard skateboards skateboarding skateboarded|skate skates skating skated, snowboard snowboards snowboarding snowboarded, dance dances dancing danced, climb climbs climbing climbed, graze grazes grazing grazed",
  handling:
    "hold holds holding held, carry carries carrying carried, push pushes pushing pushed, pull pulls pulling pulled, throw throws throwing threw|toss tosses tossing tossed, catch catches catching caught, kick kicks kicking kicked, hit hits hitting hit, swing swings swinging swung, grab grabs grabbing grabbed, wash washes washing washed, cut cuts cutting cut|slice slices slicing sliced, feed feeds feeding fed, pet pets petting petted, hug hugs hugging hugged, chase chases chasing chased, watch watches watching watched, ride rides riding rode, drive drives driving drove, eat eats eating ate, drink drinks drinking drank, lick licks licking licked",
  gaze: "look looks looking looked|stare stares staring stared|gaze gazes gazing gazed, point points pointing pointed, smile smiles smiling smiled, wave waves waving waved, laugh laughs laughing laughed",
};

/** One verb class: its synonyms, each as [base, third, gerund, past]. */
type VerbClass = readonly (readonly string[])[];

export interface VerbHit {
  group: string;
  classIndex: number;
  /** Index into VERB_FORM_NAMES. */
  form: number;
}

export const VERB_CLASSES: Readonly<Record<string, readonly VerbClass[]>> = Object.fromEntries(
  Object.entries(VERB_GROUPS).map(([group, spec]) => [
    group,
    spec.split(",").map((item) => item.split("|").map((verb) => verb.trim().split(/\s+/))),
  ]),
);

function buildVerbIndex(): Map<string, VerbHit[]> {
  const index = new Map<string, VerbHit[]>();
  for (const [group, classes] of Object.entries(VERB_CLASSES)) {
    classes.forEach((verbClass, classIndex) => {
      for (const forms of verbClass) {
        if (forms.length !== VERB_FORM_NAMES.length) throw new Error(`verb lexicon: bad forms ${forms}`);
        forms.forEach((surface, form) => {
          const hits = index.get(surface) ?? [];
          // First reading wins per group ("lay" = past of lie, not base of lay: same class anyway).
          if (!hits.some((hit) => hit.group === group)) hits.push({ group, classIndex, form });
          index.set(surface, hits);
        });
      }
    });
  }
  return index;
}

export const VERB_INDEX: ReadonlyMap<string, readonly VerbHit[]> = buildVerbIndex();

const OBJECT_GROUP = "handling";
const NO_OBJECT_GROUP = "motion";

/** Canonical verbs of a group's classes in one form, skipping one class (or none: -1). */
function groupForms(group: string, form: number, skipClass: number): string[] {
  return VERB_CLASSES[group].flatMap((verbClass, classIndex) =>
    classIndex === skipClass ? [] : [verbClass[0][form]],
  );
}

/**
 * The same form of the canonical verb of every other class in the word's groups, chosen by
 * how the verb is used: with a direct object only handling verbs fit ("flying a kite" ->
 * "holding a kite"), without one only the other groups ("a bus driving down the street" ->
 * "a bus walking down ..."), so the replacement keeps the sentence's frame.
 */
export function verbAlternatives(hits: readonly VerbHit[], hasObject: boolean): string[] {
  const fitting = hits.filter((hit) => (hit.group === OBJECT_GROUP) === hasObject);
  const out: string[] = [];
  if (fitting.length > 0) {
    for (const hit of fitting) out.push(...groupForms(hit.group, hit.form, hit.classIndex));
  } else {
    const group = hasObject ? OBJECT_GROUP : NO_OBJECT_GROUP;
    const own = new Set(hits.flatMap((hit) => VERB_CLASSES[hit.group][hit.classIndex].flat()));
    out.push(...groupForms(group, hits[0].form, -1).filter((verb) => !own.has(verb)));
  }
  return [...new Set(out)];
}
