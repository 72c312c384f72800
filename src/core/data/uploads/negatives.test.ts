import { describe, expect, it } from "vitest";
import { CECLIP_NEGATIVE_TYPES, generateNegatives, NEGATIVE_GENERATOR_TYPES } from "../../negatives/index.js";
import { parseUpload, relayoutNegatives } from "./parse.js";
import { decodePngFile, pngFiles, textFile } from "./testFiles.js";

const caption = "a black dog sitting on a wooden bench";
const csv = [
  "image,caption,negative_1,negative_2,negative_types",
  `a.png,${caption},a black cat sitting on a wooden bench,a bench sitting on a black dog,nounReplace|`,
  "b.png,two red apples on a table,,,",
].join("\n");
const files = () => [textFile("d.csv", csv), ...pngFiles(["a.png", "b.png"])];

describe("negative slots of an upload", () => {
  it("fills empty types with the generator; a user negative wins for its type", async () => {
    const result = await parseUpload(files(), { decodeImage: decodePngFile, negatives: { seed: 3 } });
    expect(result.issues).toEqual([]);
    expect(result.negativeTypeNames).toEqual([...NEGATIVE_GENERATOR_TYPES, "user_1"]);
    const generated = generateNegatives(caption, { seed: 3 });
    expect(generated.mask.filter((m) => m === 1).length).toBeGreaterThan(2);
    const [a, b] = result.items;
    const k = NEGATIVE_GENERATOR_TYPES.indexOf("nounReplace");
    NEGATIVE_GENERATOR_TYPES.forEach((type, j) => {
      if (j === k) return;
      expect(a.negatives[j], type).toBe(generated.texts[j]);
      expect(a.negativeMask[j], type).toBe(generated.mask[j]);
      expect(a.negativeSources[j], type).toBe(generated.mask[j] === 1 ? "generated" : "none");
    });
    expect(a.negatives[k]).toBe("a black cat sitting on a wooden bench");
    expect(a.negativeSources[k]).toBe("user");
    // The untyped user negative has its own slot, never a generator type.
    expect(a.negatives.at(-1)).toBe("a bench sitting on a black dog");
    expect(a.negativeSources.at(-1)).toBe("user");
    expect(b.negatives.at(-1)).toBe("");
    expect(b.negativeMask.at(-1)).toBe(0);
    const bGenerated = generateNegatives("two red apples on a table", { seed: 3 });
    expect(b.negatives.slice(0, -1)).toEqual(bGenerated.texts);
    // Same seed, same negatives; another seed may differ but never equals the caption.
    const again = await parseUpload(files(), { decodeImage: decodePngFile, negatives: { seed: 3 } });
    expect(again.items.map((i) => i.negatives)).toEqual(result.items.map((i) => i.negatives));
  });

  it("uses only the chosen types, moving other typed user negatives to user slots", async () => {
    const result = await parseUpload(files(), {
      decodeImage: decodePngFile,
      negatives: { seed: 0, types: ["nounSwap", "adjectiveReplace"] },
    });
    expect(result.negativeTypeNames).toEqual(["nounSwap", "adjectiveReplace", "user_1", "user_2"]);
    expect(result.items[0].negatives.slice(2)).toEqual([
      "a black cat sitting on a wooden bench",
      "a bench sitting on a black dog",
    ]);
  });

  it("lays the slots out again after the user edits negatives", async () => {
    const result = await parseUpload(files(), {
      decodeImage: decodePngFile,
      negatives: { generate: false },
    });
    expect(result.negativeTypeNames).toEqual(["nounReplace", "user_1"]);
    const edited = result.items.map((item, i) =>
      i === 1
        ? {
            ...item,
            userNegatives: [{ text: "two green apples on a table", type: "adjectiveReplace" as const }],
          }
        : item,
    );
    const after = relayoutNegatives(edited, { generate: false });
    expect(after.negativeTypeNames).toEqual(["adjectiveReplace", "nounReplace", "user_1"]);
    expect(after.items.map((i) => i.negatives)).toEqual([
      ["", "a black cat sitting on a wooden bench", "a bench sitting on a black dog"],
      ["two green apples on a table", "", ""],
    ]);
    expect(after.items.map((i) => i.negativeMask)).toEqual([
      [0, 1, 1],
      [1, 0, 0],
    ]);
    const ceclip = relayoutNegatives(edited, { seed: 1, types: CECLIP_NEGATIVE_TYPES });
    expect(ceclip.negativeTypeNames).toEqual([...CECLIP_NEGATIVE_TYPES, "user_1"]);
    expect(() => relayoutNegatives(edited, { types: ["colour" as never] })).toThrow(
      'unknown negative type "colour"',
    );
  });
});
