export { mixSeed, Rng } from "../random.js";
export type { CaptionOptions } from "./captions.js";
export {
  DEFAULT_IMAGE_SIZE,
  DEFAULT_SHAPES_WORLD_OPTIONS,
  generateShapesDataset,
  recordAt,
  type ShapesDatasetRequest,
  type ShapesRecord,
  type ShapesWorldOptions,
  sampleAt,
} from "./dataset.js";
export {
  INFIX_WORDINGS,
  OBJECTS_TEMPLATES,
  RELATION_TEMPLATES,
  renderCaption,
  renderNounPhrase,
  SIDE_WORDINGS,
  shapesWorldWords,
} from "./grammar.js";
export { makeNegatives, NEGATIVE_TYPES, type NegativeSet, type NegativeType } from "./negatives.js";
export { parseCaption } from "./parse.js";
export { renderScene, SUPERSAMPLING } from "./rasterise.js";
export {
  generateScene,
  LAYOUT,
  relationHolds,
  relationPossible,
  type SceneLayout,
  type SceneOptions,
} from "./scene.js";
export { couldBeTrueOf, isTrueOf, matches, namedPairs } from "./semantics.js";
export { ALL_PAIRS, type ColourShape, HELDOUT_PAIRS, isHeldOutPair, TRAIN_PAIRS } from "./splits.js";
export type {
  CaptionSpec,
  NounPhrase,
  ObjectsSpec,
  ObjectsTemplate,
  RelationSpec,
  RelationTemplate,
  RgbImage,
  Scene,
  SceneObject,
  ShapesSample,
  Split,
} from "./types.js";
export * from "./vocabulary.js";
