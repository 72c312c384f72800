import { type CohyponymAxis, indexAxes, type LexiconHit, parseAxis } from "./cohyponyms.js";
import { pluralize } from "./inflect.js";

/**
 * Noun co-hyponyms over COCO-like categories (singular forms; plurals are derived). Near
 * synonyms and hyponyms share a class ("dog|puppy") so a replacement always changes the
 * kind of thing; a hypernym gets its own axis ("child" vs adults, "bird" vs other animals).
 * Only countable nouns ("soup", "broccoli" would read "a soup"). Multi-word nouns ("hot dog",
 * "fire hydrant") replace as one unit.
 */
export const NOUN_AXES: readonly CohyponymAxis[] = [
  parseAxis("people", "man|guy|gentleman, woman|lady, boy, girl, baby|infant|toddler"),
  // "child" is a hypernym of boy and girl: it swaps only with adults.
  parseAxis("people", "child|kid, man|guy|gentleman, woman|lady"),
  parseAxis(
    "athletes",
    "skier, surfer, skateboarder|skater, snowboarder, tennis player, baseball player, soccer player",
  ),
  parseAxis(
    "animals",
    "dog|puppy, cat|kitten, horse|pony, cow|bull|calf, sheep|lamb, elephant, bear, zebra, giraffe, bird, pig, goat, deer, monkey, squirrel",
  ),
  // Kinds of bird swap among themselves, never with the hypernym "bird".
  parseAxis("birds", "duck, goose, pigeon, seagull|gull, chicken, parrot, swan"),
  parseAxis(
    "vehicles",
    "car|automobile, truck, bus, motorcycle|motorbike, bicycle|bike, train, airplane|plane|jet|aircraft, boat|ship, scooter, van, taxi|cab, tractor, trolley|tram|streetcar, helicopter",
  ),
  parseAxis(
    "furniture",
    "chair|armchair, couch|sofa, bench, table, bed, desk, shelf|bookshelf|bookcase, cabinet|cupboard, dresser, stool",
  ),
  parseAxis(
    "food",
    "pizza, sandwich, banana, apple, orange, carrot, donut|doughnut, cake|cupcake, hot dog, hamburger|burger, salad, egg, tomato, cookie, pie, muffin",
  ),
  parseAxis(
    "kitchenware",
    "plate|dish, bowl, cup|mug, fork, knife, spoon, glass, bottle, pan, pot, tray, cutting board, jar",
  ),
  parseAxis(
    "household",
    "vase, clock, book, lamp, pillow|cushion, blanket, towel, candle, mirror, basket, box, teddy bear|stuffed animal",
  ),
  parseAxis("appliances", "refrigerator|fridge, oven|stove, microwave, toaster, sink, toilet, bathtub|tub"),
  parseAxis(
    "sports gear",
    "frisbee, kite, skateboard, surfboard, snowboard, ski, ball|soccer ball|tennis ball, tennis racket|racket|racquet, baseball bat|bat, baseball glove|glove|mitt, helmet",
  ),
  parseAxis(
    "electronics",
    "laptop|computer, keyboard, mouse, phone|cell phone|cellphone|smartphone, television|tv|monitor|screen, remote|remote control, camera",
  ),
  parseAxis("clothing", "shirt, hat|cap, jacket|coat, tie, dress, suit, skirt"),
  parseAxis("accessories", "umbrella, backpack, handbag|purse, suitcase"),
  parseAxis("street objects", "fire hydrant|hydrant, stop sign, traffic light|stoplight, parking meter"),
  parseAxis("plants", "tree, flower, bush|shrub"),
  parseAxis(
    "places",
    "street|road, beach, field|meadow, park, kitchen, living room, bathroom, bedroom, sidewalk, ocean|sea, lake, river, mountain, hill, forest|woods, airport, station|train station, yard|backyard, parking lot, restaurant, office",
  ),
];

/** Where a surface form (singular or plural, lowercase) sits, and whether it is the plural. */
export interface NounHit {
  hits: LexiconHit[];
  plural: boolean;
}

function buildNounIndex(): Map<string, NounHit> {
  const singular = indexAxes(NOUN_AXES);
  const index = new Map<string, NounHit>();
  for (const [word, hits] of singular) index.set(word, { hits, plural: false });
  for (const [word, hits] of singular) {
    const plural = pluralize(word);
    if (!index.has(plural)) index.set(plural, { hits, plural: true });
  }
  return index;
}

export const NOUN_INDEX: ReadonlyMap<string, NounHit> = buildNounIndex();

/** Longest lexicon noun, in words (for matching "teddy bear" before "bear"). */
export const MAX_NOUN_WORDS = Math.max(...[...NOUN_INDEX.keys()].map((key) => key.split(" ").length));
