import { ceClipObjective } from "./ceclip.js";
import { clipObjective } from "./clip.js";
import { deglaObjective } from "./degla.js";
import { fscClipObjective } from "./fscclip.js";
import { negClipObjective } from "./negclip.js";
import type { AnyObjective } from "./objective.js";

/** Every training objective by name; adding one touches its own file and this map. */
export const objectives: Record<string, AnyObjective> = {
  clip: clipObjective,
  negclip: negClipObjective,
  ceclip: ceClipObjective,
  fscclip: fscClipObjective,
  degla: deglaObjective,
};

export function getObjective(name: string): AnyObjective {
  const objective = objectives[name];
  if (!objective)
    throw new Error(`unknown objective "${name}" (known: ${Object.keys(objectives).join(", ")})`);
  return objective;
}
