import type { Split } from "./types.js";
import { COLOURS, type ColourName, SHAPES, type ShapeName } from "./vocabulary.js";

export type ColourShape = { colour: ColourName; shape: ShapeName };

/**
 * Colour-shape combinations never seen in training (10 of 48, ~21 %). At most two per
 * colour and per shape, so every colour and every shape still occurs in training.
 */
export const HELDOUT_PAIRS: readonly ColourShape[] = [
  { colour: "red", shape: "square" },
  { colour: "green", shape: "circle" },
  { colour: "blue", shape: "triangle" },
  { colour: "yellow", shape: "star" },
  { colour: "purple", shape: "cross" },
  { colour: "pink", shape: "diamond" },
  { colour: "cyan", shape: "square" },
  { colour: "white", shape: "triangle" },
  { colour: "red", shape: "circle" },
  { colour: "blue", shape: "star" },
];

const heldOutKeys = new Set(HELDOUT_PAIRS.map((p) => `${p.colour} ${p.shape}`));

export function isHeldOutPair(colour: ColourName, shape: ShapeName): boolean {
  return heldOutKeys.has(`${colour} ${shape}`);
}

export const ALL_PAIRS: readonly ColourShape[] = COLOURS.flatMap((colour) =>
  SHAPES.map((shape) => ({ colour, shape })),
);

export const TRAIN_PAIRS: readonly ColourShape[] = ALL_PAIRS.filter((p) => !isHeldOutPair(p.colour, p.shape));

/** Combinations a split's negatives must not name: training never sees held-out pairs, even as text. */
export function forbiddenInNegatives(split: Split): (colour: ColourName, shape: ShapeName) => boolean {
  return split === "train" ? isHeldOutPair : () => false;
}
