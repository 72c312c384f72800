import { augmentObjective, type ObjectiveAugmentation } from "./augmented.js";
import { ceClipObjective } from "./ceclip.js";
import { clipObjective } from "./clip.js";
import { deglaObjective } from "./degla.js";
import { fscClipObjective } from "./fscclip.js";
import { imageNegativeAugmentation } from "./imageNegatives.js";
import { keywordAugmentation } from "./keywords.js";
import { negClipObjective } from "./negclip.js";
import type { AnyObjective } from "./objective.js";

/** The objectives proper; adding one touches its own file and this list. */
export const baseObjectives: readonly AnyObjective[] = [
  clipObjective,
  negClipObjective,
  ceClipObjective,
  fscClipObjective,
  deglaObjective,
];

/** Terms that go on top of any base objective (./augmented.ts), in name order. */
export const augmentations: readonly ObjectiveAugmentation[] = [
  imageNegativeAugmentation,
  keywordAugmentation,
];

/** Every non-empty subset of the augmentations, in registry order (imageneg, keywords, both). */
function augmentationSets(): ObjectiveAugmentation[][] {
  const single = augmentations.map((a) => [a]);
  return [...single, [...augmentations]];
}

/**
 * Every training objective by name: the base objectives, then each with image-side
 * negatives ("ceclip+imageneg"), keyword prediction ("ceclip+keywords") and both
 * ("ceclip+imageneg+keywords").
 */
export const objectives: Record<string, AnyObjective> = Object.fromEntries(
  [
    ...baseObjectives,
    ...augmentationSets().flatMap((set) => baseObjectives.map((base) => augmentObjective(base, set))),
  ].map((o) => [o.name, o]),
);

export function getObjective(name: string): AnyObjective {
  const objective = objectives[name];
  if (objective) return objective;
  const suffixes = augmentationSets().map((set) => set.map((a) => `+${a.key}`).join(""));
  throw new Error(
    `unknown objective "${name}" (objectives: ${baseObjectives.map((o) => o.name).join(", ")}, ` +
      `each optionally followed by ${suffixes.join(", ").replace(/, ([^,]*)$/, " or $1")})`,
  );
}
