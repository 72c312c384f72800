/**
 * Pure scoring of the compositional benchmark from similarities: no tensors, so it runs
 * anywhere and is tested with hand-made numbers. Ties always count against the model.
 */

export interface RetrievalScores {
  r1_i2t: number;
  r5_i2t: number;
  r1_t2i: number;
  r5_t2i: number;
}

export interface TypeAccuracy {
  /** Fraction of valid examples with sim(image, caption) > sim(image, negative); null without any. */
  perType: Record<string, number | null>;
  /** Valid examples per type. */
  perTypeCount: Record<string, number>;
}

/**
 * Recall@1 and @5 in both directions from an [n images, n texts] row-major similarity
 * matrix whose diagonal holds the true pairs. rank = 1 + the number of other candidates
 * scoring >= the true one.
 */
export function scoreRetrieval(sims: ArrayLike<number>, n: number): RetrievalScores {
  if (n < 1) throw new Error("retrieval needs at least one pair");
  if (sims.length !== n * n) throw new Error(`expected ${n * n} similarities, got ${sims.length}`);
  const hits = { r1_i2t: 0, r5_i2t: 0, r1_t2i: 0, r5_t2i: 0 };
  for (let q = 0; q < n; q++) {
    const truth = sims[q * n + q];
    let imageRank = 1;
    let textRank = 1;
    for (let c = 0; c < n; c++) {
      if (c === q) continue;
      if (sims[q * n + c] >= truth) imageRank++; // image q against caption c
      if (sims[c * n + q] >= truth) textRank++; // caption q against image c
    }
    if (imageRank <= 1) hits.r1_i2t++;
    if (imageRank <= 5) hits.r5_i2t++;
    if (textRank <= 1) hits.r1_t2i++;
    if (textRank <= 5) hits.r5_t2i++;
  }
  return {
    r1_i2t: hits.r1_i2t / n,
    r5_i2t: hits.r5_i2t / n,
    r1_t2i: hits.r1_t2i / n,
    r5_t2i: hits.r5_t2i / n,
  };
}

/** Candidates per group: `candidates`, or all n when fewer examples exist. */
export function groupSize(n: number, candidates: number): number {
  if (!Number.isInteger(candidates) || candidates < 1)
    throw new Error("candidates must be a positive integer");
  return Math.min(n, candidates);
}

/**
 * Retrieval over consecutive groups of `candidates` examples, from l2-normalised
 * embeddings (row-major [n, dim]); a trailing partial group is ignored. Full groups have
 * the same size, so the mean of group scores is the mean over all their queries.
 */
export function scoreGroupedRetrieval(
  imageEmbeds: ArrayLike<number>,
  textEmbeds: ArrayLike<number>,
  dim: number,
  candidates: number,
): RetrievalScores & { candidates: number } {
  const n = imageEmbeds.length / dim;
  if (!Number.isInteger(n) || n < 1 || textEmbeds.length !== imageEmbeds.length)
    throw new Error("retrieval needs as many image as text embeddings, at least one");
  const size = groupSize(n, candidates);
  const groups = Math.floor(n / size);
  const total: RetrievalScores = { r1_i2t: 0, r5_i2t: 0, r1_t2i: 0, r5_t2i: 0 };
  const sims = new Float64Array(size * size);
  for (let g = 0; g < groups; g++) {
    const start = g * size;
    for (let i = 0; i < size; i++) {
      for (let t = 0; t < size; t++)
        sims[i * size + t] = dot(imageEmbeds, start + i, textEmbeds, start + t, dim);
    }
    const scores = scoreRetrieval(sims, size);
    for (const key of Object.keys(total) as (keyof RetrievalScores)[]) total[key] += scores[key] / groups;
  }
  return { ...total, candidates: size };
}

/** Dot product of row a of `x` with row b of `y` (both [*, dim]). */
export function dot(x: ArrayLike<number>, a: number, y: ArrayLike<number>, b: number, dim: number): number {
  let s = 0;
  for (let d = 0; d < dim; d++) s += x[a * dim + d] * y[b * dim + d];
  return s;
}

/**
 * Per-type accuracy: negatives[i][k] is sim(image i, negative of type k), null where the
 * type is masked for that example. A tie counts as wrong.
 */
export function typeAccuracy(
  positive: ArrayLike<number>,
  negatives: readonly (readonly (number | null)[])[],
  typeNames: readonly string[],
): TypeAccuracy {
  if (negatives.length !== positive.length)
    throw new Error(`${positive.length} positives but ${negatives.length} negative rows`);
  const perType: Record<string, number | null> = {};
  const perTypeCount: Record<string, number> = {};
  typeNames.forEach((name, k) => {
    let valid = 0;
    let correct = 0;
    for (let i = 0; i < positive.length; i++) {
      const negative = negatives[i][k];
      if (negative === null || negative === undefined) continue;
      valid++;
      if (positive[i] > negative) correct++;
    }
    perType[name] = valid > 0 ? correct / valid : null;
    perTypeCount[name] = valid;
  });
  return { perType, perTypeCount };
}
