import { mean } from "../../core/eval/importers/pairwise.js";
import type { StepEvent } from "../../worker/trainingApi.js";

/** How long and how close to 0 a type's threshold and gap must stay to be reported. */
export const HELD_AT_ZERO = { steps: 200, below: 1 } as const;

/**
 * The negative types whose threshold θ_k and mean gap both averaged within `below` logits of 0
 * over the last `steps` steps: a type still at chance under CE-CLIP's adaptive rule. There the
 * rank loss asks no margin, and with no margin it pulls a caption and its negative back together
 * while the image cannot yet tell them apart (README, "Reproduce"). Steps without a finite value
 * (no valid negative of the type in the batch) are skipped.
 */
export function typesHeldAtZero(
  history: readonly StepEvent[],
  numTypes: number,
  { steps, below }: { steps: number; below: number } = HELD_AT_ZERO,
): number[] {
  const last = history.at(-1);
  if (!last || history[0].step > last.step - steps) return [];
  // Steps ascend: the window is a tail, found from the end (the chart calls this on every update).
  let start = history.length - 1;
  while (start > 0 && history[start - 1].step > last.step - steps) start -= 1;
  const window = history.slice(start);
  const averageOf = (key: string) =>
    mean(window.map((e) => e.terms[key]).filter((v): v is number => Number.isFinite(v))) ?? Number.NaN;
  return Array.from({ length: numTypes }, (_, k) => k).filter((k) => {
    const theta = averageOf(`theta_${k}`);
    const gap = averageOf(`gap_${k}`);
    return Math.abs(theta) < below && Math.abs(gap) < below;
  });
}
