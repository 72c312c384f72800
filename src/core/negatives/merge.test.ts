import { describe, expect, it } from "vitest";
import { generateNegatives } from "./generate.js";
import { mergeNegatives } from "./merge.js";

describe("mergeNegatives", () => {
  const caption = "Two cats sleeping on a wooden bench.";
  const generated = generateNegatives(caption, { seed: 1 });

  it("lets a user negative win over the generated one, per type", () => {
    const merged = mergeNegatives(caption, generated, { verbReplace: "Two cats eating on a wooden bench." });
    const k = merged.types.indexOf("verbReplace");
    expect(merged.texts[k]).toBe("Two cats eating on a wooden bench.");
    expect(merged.sources[k]).toBe("user");
    merged.types.forEach((type, j) => {
      if (type === "verbReplace") return;
      expect(merged.texts[j]).toBe(generated.texts[j]);
      expect(merged.sources[j]).toBe(generated.mask[j] === 1 ? "generated" : "none");
    });
  });

  it("fills a masked type from the user and keeps it masked without one", () => {
    const k = generated.types.indexOf("nounSwap");
    expect(generated.mask[k]).toBe(0);
    const merged = mergeNegatives(caption, generated, {
      nounSwap: "  Two benches sleeping on a wooden cat. ",
    });
    expect(merged.texts[k]).toBe("Two benches sleeping on a wooden cat.");
    expect(merged.mask[k]).toBe(1);
    const plain = mergeNegatives(caption, generated, {});
    expect(plain.texts[k]).toBe("");
    expect(plain.mask[k]).toBe(0);
    expect(plain.sources[k]).toBe("none");
  });

  it("ignores blank user texts and ones equal to the caption", () => {
    const merged = mergeNegatives(caption, generated, {
      adjectiveReplace: "   ",
      nounReplace: "two cats sleeping on a wooden bench. ",
    });
    for (const type of ["adjectiveReplace", "nounReplace"] as const) {
      const k = merged.types.indexOf(type);
      expect(merged.texts[k]).toBe(generated.texts[k]);
      expect(merged.sources[k]).toBe("generated");
    }
  });

  it("rejects a type that is unknown or was not generated", () => {
    const some = generateNegatives(caption, { seed: 1, types: ["nounReplace"] });
    expect(() => mergeNegatives(caption, some, { verbReplace: "x" })).toThrow(/verbReplace/);
    expect(() => mergeNegatives(caption, generated, { objectSwap: "x" } as never)).toThrow(/objectSwap/);
  });
});
