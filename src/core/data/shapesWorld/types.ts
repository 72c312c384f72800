import type { ColourName, RelationName, ShapeName, SizeName, TextureName } from "./vocabulary.js";

/** One drawn object. Centre (x, y) in image units [0, 1]; y grows downwards. */
export type SceneObject = {
  shape: ShapeName;
  colour: ColourName;
  size: SizeName;
  texture: TextureName;
  x: number;
  y: number;
};

export type Scene = { objects: SceneObject[] };

/** Same field names as the RgbaImage of src/core/clip/preprocess.ts; RGB interleaved. */
export type RgbImage = { width: number; height: number; data: Uint8Array; channels: 3 };

/** A described object. Colour and shape are always named; size and texture optionally. */
export type NounPhrase = {
  shape: ShapeName;
  colour: ColourName;
  size?: SizeName;
  texture?: TextureName;
};

export type RelationTemplate = "plain" | "is" | "thereIs" | "pictureOf" | "definite" | "withSide" | "hasSide";
export type ObjectsTemplate = "bare" | "thereIs" | "pictureOf" | "imageWith";

/** "phrases[0] <relation> phrases[1]", e.g. relation "left": the first is left of the second. */
export type RelationSpec = {
  kind: "relation";
  template: RelationTemplate;
  /** Index into the template's wordings of the relation ("to the left of", "left of", ...). */
  wording: number;
  relation: RelationName;
  phrases: [NounPhrase, NounPhrase];
};

/** A conjunction of 1-3 noun phrases: each names a distinct object of the scene. */
export type ObjectsSpec = {
  kind: "objects";
  template: ObjectsTemplate;
  phrases: NounPhrase[];
};

/** The exact meaning of a caption; its text is renderCaption(spec). */
export type CaptionSpec = RelationSpec | ObjectsSpec;

export type Split = "train" | "heldout";

export type ShapesSample = {
  id: string;
  image: RgbImage;
  caption: string;
  /** K = 4 texts in NEGATIVE_TYPES order; "" where masked. */
  negatives: string[];
  /** K entries, 1 where the negative of that type exists. */
  negativeMask: number[];
  scene: Scene;
  spec: CaptionSpec;
  /** Structured negatives (null where masked), for exact checks and per-type evaluation. */
  negativeSpecs: (CaptionSpec | null)[];
};
