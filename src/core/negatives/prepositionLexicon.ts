import { type CohyponymAxis, indexAxes, parseAxis } from "./cohyponyms.js";

/**
 * Preposition co-hyponyms: where (on / under / behind ...), which way (up / down / into ...),
 * and with / without. Multi-word prepositions ("in front of", "next to") are single units.
 * Left out on purpose: "of", "at", "for", "by" (mostly not spatial in captions; "pulled by").
 */
export const PREPOSITION_AXES: readonly CohyponymAxis[] = [
  parseAxis(
    "place",
    "on|on top of|atop|upon, under|underneath|beneath|below, above|over, next to|beside|near|alongside, behind, in front of, in|inside|within",
  ),
  parseAxis(
    "direction",
    "up, down, across, along, through, toward|towards, away from, into, out of, onto, off",
  ),
  parseAxis("company", "with, without"),
];

export const PREPOSITION_INDEX = indexAxes(PREPOSITION_AXES);

/** Longest preposition, in words. */
export const MAX_PREPOSITION_WORDS = Math.max(
  ...[...PREPOSITION_INDEX.keys()].map((key) => key.split(" ").length),
);
