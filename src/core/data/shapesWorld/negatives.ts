import type { Rng } from "../random.js";
import { renderCaption } from "./grammar.js";
import { couldBeTrueOf, namedPairs } from "./semantics.js";
import type { CaptionSpec, NounPhrase, RelationSpec, Scene } from "./types.js";
import { COLOURS, type ColourName, OPPOSITE_RELATION, type ShapeName } from "./vocabulary.js";

/** Fixed order = CE-CLIP's per-type threshold index k. */
export const NEGATIVE_TYPES = ["attributeSwap", "objectSwap", "attributeReplace", "relationReplace"] as const;
export type NegativeType = (typeof NEGATIVE_TYPES)[number];

/**
 * Negatives are edits of the structured caption rendered with the same template, so a swap
 * keeps the multiset of words and a replacement changes one word. A candidate is kept only
 * if its text differs, it is not even leniently true of the scene, and it names no
 * forbidden colour-shape pair; the first such candidate of a type wins, else the type is masked.
 */

function withPhrases(spec: CaptionSpec, phrases: NounPhrase[]): CaptionSpec {
  return spec.kind === "relation" ? { ...spec, phrases: [phrases[0], phrases[1]] } : { ...spec, phrases };
}

const SWAPPABLE = ["colour", "size", "texture"] as const;

/** Swap one attribute between two phrases: colour first, then size, then texture (where both name it). */
function attributeSwaps(spec: CaptionSpec, rng: Rng): CaptionSpec[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < spec.phrases.length; i++) {
    for (let j = i + 1; j < spec.phrases.length; j++) pairs.push([i, j]);
  }
  const order = rng.shuffle(pairs);
  const out: CaptionSpec[] = [];
  for (const attribute of SWAPPABLE) {
    for (const [i, j] of order) {
      const a = spec.phrases[i];
      const b = spec.phrases[j];
      if (a[attribute] === undefined || b[attribute] === undefined || a[attribute] === b[attribute]) continue;
      const phrases = spec.phrases.slice();
      phrases[i] = { ...a, [attribute]: b[attribute] };
      phrases[j] = { ...b, [attribute]: a[attribute] };
      out.push(withPhrases(spec, phrases));
    }
  }
  return out;
}

/** Swap the two whole noun phrases around the relation (a list's order carries no meaning). */
function objectSwaps(spec: CaptionSpec): CaptionSpec[] {
  if (spec.kind !== "relation") return [];
  const swapped: RelationSpec = { ...spec, phrases: [spec.phrases[1], spec.phrases[0]] };
  return [swapped];
}

/** Replace one phrase's colour by another colour. */
function colourReplacements(spec: CaptionSpec, rng: Rng): CaptionSpec[] {
  const out: CaptionSpec[] = [];
  for (const i of rng.shuffle(spec.phrases.map((_, k) => k))) {
    const phrase = spec.phrases[i];
    for (const colour of rng.shuffle(COLOURS.filter((c) => c !== phrase.colour))) {
      const phrases = spec.phrases.slice();
      phrases[i] = { ...phrase, colour };
      out.push(withPhrases(spec, phrases));
    }
  }
  return out;
}

/** left <-> right, above <-> below, same wording index. */
function relationReplacements(spec: CaptionSpec): CaptionSpec[] {
  if (spec.kind !== "relation") return [];
  const replaced: RelationSpec = { ...spec, relation: OPPOSITE_RELATION[spec.relation] };
  return [replaced];
}

export type NegativeSet = { specs: (CaptionSpec | null)[]; texts: string[]; mask: number[] };

export function makeNegatives(
  spec: CaptionSpec,
  scene: Scene,
  rng: Rng,
  forbidden: (colour: ColourName, shape: ShapeName) => boolean,
): NegativeSet {
  const positive = renderCaption(spec);
  const acceptable = (candidate: CaptionSpec) =>
    renderCaption(candidate) !== positive &&
    !couldBeTrueOf(candidate, scene) &&
    !namedPairs(candidate).some((p) => forbidden(p.colour, p.shape));
  const candidatesByType: CaptionSpec[][] = [
    attributeSwaps(spec, rng),
    objectSwaps(spec),
    colourReplacements(spec, rng),
    relationReplacements(spec),
  ];
  const specs = candidatesByType.map((candidates) => candidates.find(acceptable) ?? null);
  return {
    specs,
    texts: specs.map((s) => (s ? renderCaption(s) : "")),
    mask: specs.map((s) => (s ? 1 : 0)),
  };
}
