/**
 * Typed hard-negative captions for free English text (pure: Node, workers, browsers).
 * Parts of speech come from compromise, corrected with co-hyponym lexicons. Swaps keep the
 * words (noun swap re-inflects number; a/an re-agree); a replacement changes one word or one
 * multi-word lexicon unit ("hot dog", "in front of") plus the a/an before it.
 */
export {
  type GenerateOptions,
  generateNegatives,
  type SuggestedNegative,
  suggestNegatives,
} from "./generate.js";
export { type MergedNegatives, mergeNegatives, type NegativeSource } from "./merge.js";
export {
  CECLIP_NEGATIVE_TYPES,
  type GeneratedNegatives,
  isNegativeGeneratorType,
  NEGATIVE_GENERATOR_LABELS,
  NEGATIVE_GENERATOR_TYPES,
  type NegativeGeneratorType,
} from "./types.js";
