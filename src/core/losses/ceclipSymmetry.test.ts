import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { type CeClipOptions, ceClipObjective } from "./ceclip.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/**
 * Why CE-CLIP's adaptive threshold cannot cure a bag-of-words start (README, "Reproduce"),
 * in miniature. A caption and its relation negative differ by ±eps along a direction d that
 * the images do not encode: half the images lean +0.5 along d, half -0.5, so their mean along
 * d is 0. With s = 10, N = 4, K = 1, the caption t = (e0 + eps e1)/sqrt(1 + eps^2) and the
 * negative t~ = (e0 - eps e1)/sqrt(1 + eps^2), image i has h_i - g_i = -s eps sigma_i / sqrt(1 + eps^2).
 *
 * - threshold 0: only the two images with sigma = -1 violate, L_cmr = (s / 2) eps / sqrt(1 + eps^2),
 *   so dL_cmr/deps = (s / 2) / (1 + eps^2)^1.5 = 5 at eps -> 0: a constant pull back to eps = 0;
 * - threshold 10: every pair violates and the sigma terms cancel, dL_cmr/deps = 0;
 * - the intra-modal loss pushes eps up, but in proportion to eps (its logits s <t, t~> change
 *   with eps^2), so near eps = 0 the rank loss wins and the pair stays together.
 */
const s = 10;
const sigma = [1, -1, 1, -1];
const side = Math.sqrt(0.39); // |v| = 1: 0.6^2 + 0.5^2 + 0.39
const images = sigma.map((sg, i) => [0.6, 0.5 * sg, i < 2 ? side : 0, i < 2 ? 0 : side]);

function terms(eps: tf.Scalar, options: Partial<CeClipOptions>) {
  const norm = tf.sqrt(tf.add(1, tf.square(eps)));
  const along = (sign: number) =>
    tf.tile(
      tf
        .stack([tf.div(1, norm), tf.div(tf.mul(sign, eps), norm), tf.scalar(0), tf.scalar(0)])
        .reshape([1, 4]),
      [4, 1],
    );
  const parsed = ceClipObjective.optionsSchema.parse(options);
  const state = ceClipObjective.initialState(parsed, 1);
  const out = ceClipObjective.compute(
    {
      imageEmb: tf.tensor2d(images),
      textEmb: along(1) as tf.Tensor2D,
      hardNegEmb: along(-1) as tf.Tensor2D,
      validMask: tf.ones([4, 1]),
      numNegativeTypes: 1,
      logitScaleLog: tf.scalar(Math.log(s)),
    },
    state,
    parsed,
  );
  return { out, parsed };
}

/** d/deps of one weighted combination of the objective's terms, at eps. */
function slope(
  eps: number,
  options: Partial<CeClipOptions>,
  pick: (t: Record<string, tf.Scalar>, o: CeClipOptions) => tf.Scalar,
) {
  return tf.tidy(
    () =>
      tf
        .grad((e) => {
          const { out, parsed } = terms(e as tf.Scalar, options);
          return pick(out.terms, parsed);
        })(tf.scalar(eps))
        .arraySync() as number,
  );
}

const cmr = (t: Record<string, tf.Scalar>) => t.cmr;
const imc = (t: Record<string, tf.Scalar>) => t.imc;
/** The rank and intra-modal terms with their weights (the image-text term is left out). */
const rankAndIntraModal = (t: Record<string, tf.Scalar>, o: CeClipOptions) =>
  tf.add(tf.mul(t.cmr, o.cmrWeight), tf.mul(t.imc, o.imcWeight)) as tf.Scalar;
const fixedAt = (threshold: number): Partial<CeClipOptions> => ({
  thresholdType: "fixed",
  fixedThreshold: threshold,
});

describe("ceclip at the symmetric point (a negative the images cannot tell apart)", () => {
  it("the adaptive rule sets the threshold to 0 there", () => {
    const next = tf.tidy(() => {
      const { out } = terms(tf.scalar(0.01), {});
      return out.nextState.thresholds.arraySync() as number[];
    });
    expect(next[0]).toBeCloseTo(0, 6);
  });

  it("a threshold of 0 pulls the pair back with a constant force; a threshold of 10 does not", () => {
    for (const eps of [1e-2, 1e-3]) {
      expect(slope(eps, fixedAt(0), cmr)).toBeCloseTo(s / 2 / (1 + eps * eps) ** 1.5, 3);
      expect(Math.abs(slope(eps, fixedAt(10), cmr))).toBeLessThan(1e-5);
    }
  });

  it("the intra-modal loss pushes the pair apart in proportion to eps", () => {
    const [at1e2, at1e3] = [1e-2, 1e-3].map((eps) => slope(eps, fixedAt(0), imc));
    expect(at1e2).toBeLessThan(0);
    expect(at1e2 / at1e3).toBeGreaterThan(9);
    expect(at1e2 / at1e3).toBeLessThan(11);
  });

  it("with the published weights the rank loss wins near eps = 0 at threshold 0, not at 10", () => {
    expect(slope(1e-3, fixedAt(0), rankAndIntraModal)).toBeGreaterThan(0); // eps shrinks
    expect(slope(1e-3, fixedAt(10), rankAndIntraModal)).toBeLessThan(0); // eps grows
    expect(slope(1e-3, { ...fixedAt(0), cmrWeight: 0 }, rankAndIntraModal)).toBeLessThan(0);
  });
});
