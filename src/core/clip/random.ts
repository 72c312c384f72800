/**
 * Seeded randomness for weight initialisation and data order: xoshiro128** seeded through
 * splitmix32, integer-only mixing (Math.imul), so every JS engine draws the same numbers.
 */

export interface Rng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Standard normal (polar Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number;
  /** Uniform integer in [0, n), for 1 <= n <= 2^32. */
  int(n: number): number;
}

function splitmix32(state: number): { state: number; value: number } {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return { state: next, value: (z ^ (z >>> 16)) >>> 0 };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Folds any finite number (its IEEE-754 bits, so 2^60 and 0.5 work too) into a 32-bit seed. */
function seedBits(seed: number): number {
  if (!Number.isFinite(seed)) throw new Error(`createRng: seed must be a finite number, got ${seed}`);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, seed === 0 ? 0 : seed, true); // -0 and 0 are the same seed
  let h = splitmix32(view.getUint32(0, true)).value;
  h = splitmix32(h ^ view.getUint32(4, true)).value;
  return h;
}

export function createRng(seed: number): Rng {
  // State in four int32 locals (not a typed array): V8 keeps them in registers.
  let mix = seedBits(seed);
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    const step = splitmix32(mix);
    mix = step.state;
    words.push(step.value | 0);
  }
  // splitmix32 is a bijection of its counter, so four consecutive outputs are never all zero.
  let [s0, s1, s2, s3] = words;

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  let hasSpare = false;
  let spare = 0;
  const next = (): number => nextUint32() / 4294967296;
  return {
    next,
    normal(): number {
      if (hasSpare) {
        hasSpare = false;
        return spare;
      }
      // Marsaglia's polar form of Box-Muller: no trigonometry.
      let u: number;
      let v: number;
      let r2: number;
      do {
        u = 2 * next() - 1;
        v = 2 * next() - 1;
        r2 = u * u + v * v;
      } while (r2 >= 1 || r2 === 0);
      const scale = Math.sqrt((-2 * Math.log(r2)) / r2);
      spare = v * scale;
      hasSpare = true;
      return u * scale;
    },
    int(n: number): number {
      if (!Number.isInteger(n) || n < 1 || n > 4294967296) {
        throw new Error(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
      }
      return Math.floor(next() * n);
    },
  };
}

/** A seed for one named stream (e.g. one parameter), so streams do not depend on draw order. */
export function deriveSeed(seed: number, label: string): number {
  let h = seedBits(seed);
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193); // FNV-1a step
  }
  return splitmix32(h).value;
}
