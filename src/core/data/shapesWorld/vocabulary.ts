/**
 * The closed vocabulary of the shapes world: what can be drawn and named.
 * Colour names avoid a leading vowel so every noun phrase takes "a" (never "an"):
 * a colour replacement then changes exactly one word.
 */

export const SHAPES = ["square", "circle", "triangle", "star", "cross", "diamond"] as const;
export type ShapeName = (typeof SHAPES)[number];

export const COLOURS = ["red", "green", "blue", "yellow", "purple", "pink", "cyan", "white"] as const;
export type ColourName = (typeof COLOURS)[number];

export type Rgb = readonly [number, number, number];

/** Pairwise RGB distance >= 100, and every colour far from the background. */
export const COLOUR_RGB: Readonly<Record<ColourName, Rgb>> = {
  red: [230, 40, 40],
  green: [40, 190, 60],
  blue: [40, 80, 240],
  yellow: [245, 225, 50],
  purple: [140, 50, 200],
  pink: [255, 150, 200],
  cyan: [50, 220, 230],
  white: [245, 245, 245],
};

/** Neutral dark grey: differs from every object colour. */
export const BACKGROUND_RGB: Rgb = [32, 32, 32];

/** Stripes and dots are drawn in the object colour darkened by this factor. */
export const TEXTURE_SHADE = 0.4;

export const SIZES = ["small", "large"] as const;
export type SizeName = (typeof SIZES)[number];

/** Half-extent of an object's bounding box, in image widths. */
export const SIZE_RADIUS: Readonly<Record<SizeName, number>> = { small: 0.11, large: 0.18 };

export const TEXTURES = ["plain", "striped", "dotted"] as const;
export type TextureName = (typeof TEXTURES)[number];

/** "left": the subject is to the left of the object (image y grows downwards). */
export const RELATIONS = ["left", "right", "above", "below"] as const;
export type RelationName = (typeof RELATIONS)[number];

export const OPPOSITE_RELATION: Readonly<Record<RelationName, RelationName>> = {
  left: "right",
  right: "left",
  above: "below",
  below: "above",
};
