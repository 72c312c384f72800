import type { Rng } from "../random.js";
import { OBJECTS_TEMPLATE_IDS, RELATION_TEMPLATE_IDS, relationWordings } from "./grammar.js";
import type { SceneLayout } from "./scene.js";
import type { CaptionSpec, NounPhrase, SceneObject } from "./types.js";
import { OPPOSITE_RELATION } from "./vocabulary.js";

export type CaptionOptions = {
  /** Probability that a 2-object scene gets a relation caption (else a list of both objects). */
  relationProbabilityTwo: number;
  /** Same for 3-object scenes (the relation then describes two of the three). */
  relationProbabilityThree: number;
  /** Probability of naming an object's size. */
  sizeWordProbability: number;
  /** Probability of naming a striped or dotted object's texture. */
  textureWordProbability: number;
  /** Probability of calling a plain object "plain". */
  plainWordProbability: number;
};

/** A phrase with only true attributes; colour and shape always, the rest by chance. */
function phraseFor(rng: Rng, object: SceneObject, options: CaptionOptions): NounPhrase {
  const phrase: NounPhrase = { shape: object.shape, colour: object.colour };
  if (rng.chance(options.sizeWordProbability)) phrase.size = object.size;
  const textureProbability =
    object.texture === "plain" ? options.plainWordProbability : options.textureWordProbability;
  if (rng.chance(textureProbability)) phrase.texture = object.texture;
  return phrase;
}

/** A true caption for the scene; relation captions state the layout's pair, in either order. */
export function sampleCaptionSpec(rng: Rng, layout: SceneLayout, options: CaptionOptions): CaptionSpec {
  const { scene, pair } = layout;
  const count = scene.objects.length;
  const relationProbability = count === 2 ? options.relationProbabilityTwo : options.relationProbabilityThree;
  if (pair && rng.chance(relationProbability)) {
    const converse = rng.chance(0.5);
    const subject = scene.objects[converse ? pair.object : pair.subject];
    const object = scene.objects[converse ? pair.subject : pair.object];
    const relation = converse ? OPPOSITE_RELATION[pair.relation] : pair.relation;
    const template = rng.pick(RELATION_TEMPLATE_IDS);
    return {
      kind: "relation",
      template,
      wording: rng.int(relationWordings(template, relation).length),
      relation,
      phrases: [phraseFor(rng, subject, options), phraseFor(rng, object, options)],
    };
  }
  return {
    kind: "objects",
    template: rng.pick(OBJECTS_TEMPLATE_IDS),
    phrases: rng.shuffle(scene.objects).map((o) => phraseFor(rng, o, options)),
  };
}
