import { relationHolds, relationPossible } from "./scene.js";
import type { ColourShape } from "./splits.js";
import type { CaptionSpec, NounPhrase, Scene, SceneObject } from "./types.js";

/**
 * Truth of a caption in a scene. Noun phrases are existential ("a red square": some red
 * square), distinct phrases name distinct objects, "the" requires a unique match.
 * isTrueOf is strict (what a positive must satisfy); couldBeTrueOf is lenient, reading a
 * relation as true whenever its direction is right at all: a negative must fail even that,
 * so no negative is arguably true of its picture.
 */

export function matches(phrase: NounPhrase, object: SceneObject): boolean {
  return (
    phrase.shape === object.shape &&
    phrase.colour === object.colour &&
    (phrase.size === undefined || phrase.size === object.size) &&
    (phrase.texture === undefined || phrase.texture === object.texture)
  );
}

/** Whether phrases can be assigned to pairwise distinct objects, each matching, passing `accept`. */
function someAssignment(
  phrases: readonly NounPhrase[],
  scene: Scene,
  accept: (chosen: SceneObject[]) => boolean,
) {
  const chosen: SceneObject[] = [];
  const used = new Set<number>();
  const search = (k: number): boolean => {
    if (k === phrases.length) return accept(chosen);
    for (let i = 0; i < scene.objects.length; i++) {
      if (used.has(i) || !matches(phrases[k], scene.objects[i])) continue;
      used.add(i);
      chosen.push(scene.objects[i]);
      const found = search(k + 1);
      chosen.pop();
      used.delete(i);
      if (found) return true;
    }
    return false;
  };
  return search(0);
}

function evaluate(spec: CaptionSpec, scene: Scene, strict: boolean): boolean {
  if (spec.kind === "objects") return someAssignment(spec.phrases, scene, () => true);
  if (strict && spec.template === "definite") {
    const unique = spec.phrases.every((p) => scene.objects.filter((o) => matches(p, o)).length === 1);
    if (!unique) return false;
  }
  const holds = strict ? relationHolds : relationPossible;
  return someAssignment(spec.phrases, scene, ([subject, object]) => holds(spec.relation, subject, object));
}

export function isTrueOf(spec: CaptionSpec, scene: Scene): boolean {
  return evaluate(spec, scene, true);
}

export function couldBeTrueOf(spec: CaptionSpec, scene: Scene): boolean {
  return evaluate(spec, scene, false);
}

/** The colour-shape combinations a caption names. */
export function namedPairs(spec: CaptionSpec): ColourShape[] {
  return spec.phrases.map((p) => ({ colour: p.colour, shape: p.shape }));
}
