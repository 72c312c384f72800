import { type CohyponymAxis, indexAxes, parseAxis } from "./cohyponyms.js";

/**
 * Adjective co-hyponyms. Sizes are poles (big vs small), not degrees, so "big" never becomes
 * "large". Numbers start at two: "one" would break the noun's number agreement.
 */
export const ADJECTIVE_AXES: readonly CohyponymAxis[] = [
  parseAxis(
    "colour",
    "red, blue, green, yellow, black, white, brown, orange, pink, purple, gray|grey, silver, gold|golden, tan|beige",
  ),
  parseAxis("size", "big|large|huge|giant|enormous, small|little|tiny"),
  parseAxis("size", "tall, short"),
  parseAxis("size", "long, short"),
  parseAxis("size", "wide, narrow"),
  parseAxis("size", "thick, thin"),
  parseAxis(
    "material",
    "wooden|wood, metal|metallic|steel|iron, plastic, glass, stone, brick, leather, paper, ceramic|porcelain, concrete|cement, cardboard",
  ),
  parseAxis("pattern", "striped, spotted|polka-dot, checkered|plaid, floral, plain"),
  parseAxis("number", "two, three, four, five, six, seven, eight, nine, ten, eleven, twelve"),
  parseAxis("state", "empty, full"),
  parseAxis("state", "open, closed"),
  parseAxis("state", "clean, dirty|messy"),
  parseAxis("state", "wet, dry"),
  parseAxis("state", "old|antique, new|modern"),
  parseAxis("state", "young, old|elderly"),
  parseAxis("state", "busy|crowded, empty|deserted|quiet"),
  parseAxis("state", "sunny, cloudy|overcast, rainy, snowy, foggy"),
  parseAxis("state", "cooked, raw"),
  parseAxis("state", "hot, cold"),
  parseAxis("state", "lit, dark"),
  parseAxis("state", "parked, moving"),
  parseAxis("state", "sliced|chopped, whole"),
  parseAxis("state", "fresh, rotten"),
  parseAxis("state", "asleep, awake"),
];

export const ADJECTIVE_INDEX = indexAxes(ADJECTIVE_AXES);

/** Number words (also read as determiners by the tagger). */
export const NUMBER_WORDS: ReadonlySet<string> = new Set([
  "one",
  ...ADJECTIVE_AXES.filter((axis) => axis.category === "number").flatMap((axis) => axis.classes.flat()),
]);
