/**
 * Two-way tests (one image, texts [true, false]), as SugarCrepe, ARO, VALSE and VL-CheckList
 * score them: correct when the true text is strictly more similar to the image. A tie counts
 * as wrong (ARO's argmax picks the false caption, listed first, on a tie; SugarCrepe and
 * VL-CheckList test `>`).
 */
import type { BenchmarkCase, CaseSims, ImportedScores, SubsetScores } from "./types.js";

export function twoWayCorrect(sims: CaseSims): boolean {
  return sims[0][0] > sims[0][1];
}

export interface SubsetTally {
  n: number;
  correct: number;
}

/** Correct counts per subset, in order of first appearance. */
export function tallyBySubset(
  cases: readonly BenchmarkCase[],
  sims: readonly CaseSims[],
  correct: (sims: CaseSims) => boolean = twoWayCorrect,
): Map<string, SubsetTally> {
  if (sims.length !== cases.length)
    throw new Error(`${cases.length} cases but ${sims.length} similarity sets`);
  const tally = new Map<string, SubsetTally>();
  cases.forEach((c, i) => {
    const t = tally.get(c.subset) ?? { n: 0, correct: 0 };
    t.n += 1;
    if (correct(sims[i])) t.correct += 1;
    tally.set(c.subset, t);
  });
  return tally;
}

export const mean = (xs: readonly number[]): number | null =>
  xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Accuracy over all tests and the mean of per-subset accuracies (SugarCrepe, VALSE and
 * VL-CheckList report per file and average the files).
 */
export function accuracyBySubset(cases: readonly BenchmarkCase[], sims: readonly CaseSims[]): ImportedScores {
  const tally = tallyBySubset(cases, sims);
  const perSubset: Record<string, SubsetScores> = {};
  let n = 0;
  let correct = 0;
  for (const [subset, t] of tally) {
    perSubset[subset] = { n: t.n, accuracy: t.correct / t.n };
    n += t.n;
    correct += t.correct;
  }
  return {
    scores: {
      accuracy: n === 0 ? null : correct / n,
      meanSubsetAccuracy: mean(Object.values(perSubset).map((s) => s.accuracy as number)),
    },
    perSubset,
  };
}
