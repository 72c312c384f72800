import { describe, expect, it } from "vitest";
import { generateNegatives } from "./generate.js";
import { COCO_STYLE_CAPTIONS } from "./testdata/captions.js";
import { HAND_CHECKED, HAND_CHECKED_SEED } from "./testdata/expected.js";

describe("hand-checked negatives", () => {
  it("covers 20 captions of the COCO-style set", () => {
    expect(HAND_CHECKED).toHaveLength(20);
    for (const { caption } of HAND_CHECKED) expect(COCO_STYLE_CAPTIONS).toContain(caption);
  });

  for (const { caption, negatives } of HAND_CHECKED) {
    it(caption, () => {
      const out = generateNegatives(caption, { seed: HAND_CHECKED_SEED });
      expect(Object.fromEntries(out.types.map((type, k) => [type, out.texts[k]]))).toEqual(negatives);
      expect(out.mask).toEqual(out.types.map((type) => (negatives[type] === "" ? 0 : 1)));
    });
  }
});
