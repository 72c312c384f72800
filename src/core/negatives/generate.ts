import { hashString, mixSeed, Rng } from "../data/random.js";
import { adjectiveSwap } from "./adjectiveSwap.js";
import { analyseCaption, type CaptionAnalysis } from "./analyse.js";
import { bigramShuffle } from "./bigramShuffle.js";
import { nounSwap } from "./nounSwap.js";
import { adjectiveReplace, nounReplace, prepositionReplace, verbReplace } from "./replacements.js";
import {
  type GeneratedNegatives,
  isNegativeGeneratorType,
  NEGATIVE_GENERATOR_TYPES,
  type NegativeGeneratorType,
} from "./types.js";

type Generator = (analysis: CaptionAnalysis, rng: Rng) => string | null;

const GENERATORS: Readonly<Record<NegativeGeneratorType, Generator>> = {
  nounSwap,
  adjectiveReplace,
  nounReplace,
  verbReplace,
  prepositionReplace,
  adjectiveSwap,
  bigramShuffle,
};

export interface GenerateOptions {
  seed: number;
  /** Which types, in the order wanted (default: all of NEGATIVE_GENERATOR_TYPES). */
  types?: readonly string[];
}

function checkedTypes(types: readonly string[] | undefined): NegativeGeneratorType[] {
  if (types === undefined) return [...NEGATIVE_GENERATOR_TYPES];
  const out: NegativeGeneratorType[] = [];
  for (const type of types) {
    if (!isNegativeGeneratorType(type)) {
      throw new Error(`unknown negative type "${type}" (known: ${NEGATIVE_GENERATOR_TYPES.join(", ")})`);
    }
    if (out.includes(type)) throw new Error(`negative type "${type}" listed twice`);
    out.push(type);
  }
  return out;
}

/**
 * Hard negatives of a free English caption, one per type. Each type draws from its own
 * stream seeded by (seed, type, caption), so a type's text does not depend on which other
 * types were asked for. A type that cannot apply is masked (text "", mask 0), never faked,
 * and no negative equals the caption.
 */
export function generateNegatives(caption: string, options: GenerateOptions): GeneratedNegatives {
  if (!Number.isSafeInteger(options.seed))
    throw new Error(`seed must be a safe integer, got ${options.seed}`);
  const types = checkedTypes(options.types);
  const analysis = analyseCaption(caption);
  const captionHash = hashString(caption);
  const normalise = (text: string) => text.toLowerCase().replace(/\s+/g, " ").trim();
  const texts: string[] = [];
  const mask: number[] = [];
  for (const type of types) {
    const rng = new Rng(mixSeed(options.seed, NEGATIVE_GENERATOR_TYPES.indexOf(type), captionHash));
    const text = GENERATORS[type](analysis, rng);
    const valid = text !== null && normalise(text) !== "" && normalise(text) !== normalise(caption);
    texts.push(valid ? text : "");
    mask.push(valid ? 1 : 0);
  }
  return { texts, mask, types };
}

export interface SuggestedNegative {
  type: NegativeGeneratorType;
  text: string;
}

/** The negatives that could be made, with their type names, for the UI. */
export function suggestNegatives(caption: string, seed: number): SuggestedNegative[] {
  const { texts, mask, types } = generateNegatives(caption, { seed });
  return types.flatMap((type, k) => (mask[k] === 1 ? [{ type, text: texts[k] }] : []));
}
