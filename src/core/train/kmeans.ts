import { createRng } from "../clip/random.js";

/**
 * k-means in plain TypeScript (float64 arithmetic, no tensors): the visual dictionary of
 * image-side negatives (./visualDictionary.ts). Deterministic in `seed`: k-means++
 * initialisation from the seeded RNG, then Lloyd iterations with ties broken by the lowest
 * index, so the same points and seed give the same prototypes on every JS engine.
 */

export interface KMeansOptions {
  /** Prototypes wanted; fewer come back when the points have fewer distinct values. */
  k: number;
  seed: number;
  /** Lloyd iterations at most (stops earlier when no assignment changes). */
  maxIterations?: number;
}

export interface KMeansResult {
  /** [k, dim] row-major prototypes. */
  centroids: Float32Array;
  /** Prototypes found: min(options.k, distinct points). */
  k: number;
  dim: number;
  /** Prototype of each point. */
  assignments: Int32Array;
  /** Lloyd iterations run. */
  iterations: number;
  /** Whether the assignments stopped changing within maxIterations. */
  converged: boolean;
  /** Sum of squared distances of every point to its prototype. */
  inertia: number;
}

function squaredDistance(points: Float32Array, i: number, centroids: Float64Array, c: number, dim: number) {
  let sum = 0;
  const [p, q] = [i * dim, c * dim];
  for (let d = 0; d < dim; d++) {
    const diff = points[p + d] - centroids[q + d];
    sum += diff * diff;
  }
  return sum;
}

/** k-means++: each next centre is a point drawn with probability proportional to D^2. */
function initialCentroids(points: Float32Array, n: number, dim: number, k: number, seed: number) {
  const rng = createRng(seed);
  const centroids = new Float64Array(k * dim);
  const nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let chosen = 0;
  let next = rng.int(n);
  while (chosen < k) {
    centroids.set(points.subarray(next * dim, (next + 1) * dim), chosen * dim);
    let total = 0;
    for (let i = 0; i < n; i++) {
      nearest[i] = Math.min(nearest[i], squaredDistance(points, i, centroids, chosen, dim));
      total += nearest[i];
    }
    chosen += 1;
    // Every point coincides with a centre: no further distinct prototype exists.
    if (chosen === k || total === 0) break;
    const target = rng.next() * total;
    let cumulative = 0;
    next = -1;
    for (let i = 0; i < n; i++) {
      if (nearest[i] === 0) continue;
      next = i;
      cumulative += nearest[i];
      if (cumulative > target) break;
    }
  }
  return { centroids: centroids.slice(0, chosen * dim), k: chosen };
}

/** Assigns every point to its nearest centroid (lowest index on ties); returns the inertia. */
function assign(
  points: Float32Array,
  n: number,
  dim: number,
  centroids: Float64Array,
  k: number,
  assignments: Int32Array,
  distances: Float64Array,
): number {
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDistance = squaredDistance(points, i, centroids, 0, dim);
    for (let c = 1; c < k; c++) {
      const distance = squaredDistance(points, i, centroids, c, dim);
      if (distance < bestDistance) {
        best = c;
        bestDistance = distance;
      }
    }
    assignments[i] = best;
    distances[i] = bestDistance;
    inertia += bestDistance;
  }
  return inertia;
}

/** Means of the assigned points; an empty cluster takes the point farthest from its centroid. */
function updateCentroids(
  points: Float32Array,
  n: number,
  dim: number,
  centroids: Float64Array,
  k: number,
  assignments: Int32Array,
  distances: Float64Array,
): void {
  const counts = new Int32Array(k);
  centroids.fill(0);
  for (let i = 0; i < n; i++) {
    const c = assignments[i];
    counts[c] += 1;
    for (let d = 0; d < dim; d++) centroids[c * dim + d] += points[i * dim + d];
  }
  for (let c = 0; c < k; c++) {
    if (counts[c] > 0) {
      for (let d = 0; d < dim; d++) centroids[c * dim + d] /= counts[c];
      continue;
    }
    let farthest = -1;
    for (let i = 0; i < n; i++) {
      if (counts[assignments[i]] > 1 && (farthest < 0 || distances[i] > distances[farthest])) farthest = i;
    }
    if (farthest < 0) continue;
    counts[assignments[farthest]] -= 1;
    counts[c] = 1;
    assignments[farthest] = c;
    distances[farthest] = 0;
    centroids.set(points.subarray(farthest * dim, (farthest + 1) * dim), c * dim);
  }
}

/** k-means of `points` ([n, dim] row-major) into at most `options.k` prototypes. */
export function kMeans(points: Float32Array, dim: number, options: KMeansOptions): KMeansResult {
  const maxIterations = options.maxIterations ?? 20;
  if (!Number.isInteger(dim) || dim < 1 || points.length % dim !== 0)
    throw new Error(`kMeans: ${points.length} values are not rows of ${dim}`);
  const n = points.length / dim;
  if (n === 0) throw new Error("kMeans: no points");
  if (!Number.isInteger(options.k) || options.k < 1)
    throw new Error(`kMeans: k must be a positive integer, got ${options.k}`);
  if (!Number.isInteger(maxIterations) || maxIterations < 1)
    throw new Error(`kMeans: maxIterations must be a positive integer, got ${maxIterations}`);
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i])) throw new Error(`kMeans: value ${i} is not finite (${points[i]})`);
  }
  const init = initialCentroids(points, n, dim, Math.min(options.k, n), options.seed);
  const { k, centroids } = init;
  const assignments = new Int32Array(n).fill(-1);
  const distances = new Float64Array(n);
  const previous = new Int32Array(n);
  let inertia = assign(points, n, dim, centroids, k, assignments, distances);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    previous.set(assignments);
    updateCentroids(points, n, dim, centroids, k, assignments, distances);
    inertia = assign(points, n, dim, centroids, k, assignments, distances);
    iterations += 1;
    if (assignments.every((c, i) => c === previous[i])) {
      converged = true;
      break;
    }
  }
  return { centroids: Float32Array.from(centroids), k, dim, assignments, iterations, converged, inertia };
}
