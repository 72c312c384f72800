import { describe, expect, it } from "vitest";
import { parseUpload } from "../core/data/uploads/parse.js";
import { decodePngFile, pngFiles, textFile } from "../core/data/uploads/testFiles.js";
import { applyNegativeEdit, editUserNegatives, type UploadDataset } from "./uploadEdits.js";

async function dataset(
  csv: string,
): Promise<Pick<UploadDataset, "items" | "negativeTypeNames" | "negatives">> {
  const negatives = { generate: true, seed: 0 };
  const result = await parseUpload([textFile("data.csv", csv), ...pngFiles(["a.png", "b.png"])], {
    decodeImage: decodePngFile,
    negatives,
  });
  expect(result.issues).toEqual([]);
  return { items: result.items, negativeTypeNames: result.negativeTypeNames, negatives };
}

const CSV = "image,caption\na.png,a red dog sits on a green table\nb.png,a man rides a black horse\n";

describe("uploadEdits", () => {
  it("a user's text replaces the generated negative of its type; others are unchanged", async () => {
    const d = await dataset(CSV);
    const k = d.negativeTypeNames.indexOf("adjectiveReplace");
    const before = d.items[0];
    expect(before.negativeSources[k]).toBe("generated");
    const after = applyNegativeEdit(d, before.id, {
      kind: "set",
      slot: "adjectiveReplace",
      text: "a blue dog sits on a green table",
    });
    expect(after.negativeTypeNames).toEqual(d.negativeTypeNames);
    expect(after.items[0].negatives[k]).toBe("a blue dog sits on a green table");
    expect(after.items[0].negativeSources[k]).toBe("user");
    expect(after.items[0].userNegatives).toEqual([
      { text: "a blue dog sits on a green table", type: "adjectiveReplace" },
    ]);
    // Every other slot and the other item keep the generator's texts (same seed).
    for (let j = 0; j < before.negatives.length; j++)
      if (j !== k) expect(after.items[0].negatives[j]).toBe(before.negatives[j]);
    expect(after.items[1]).toBe(d.items[1]);
  });

  it("deleting a generated negative masks its slot and it stays masked when the item is laid out again", async () => {
    const d = await dataset(CSV);
    const k = d.negativeTypeNames.indexOf("adjectiveSwap");
    const id = d.items[0].id;
    expect(d.items[0].negatives[k]).toBe("a green dog sits on a red table");
    const deleted = { ...d, ...applyNegativeEdit(d, id, { kind: "delete", slot: "adjectiveSwap" }) };
    expect(deleted.items[0].negativeMask[k]).toBe(0);
    expect(deleted.items[0].negatives[k]).toBe("");
    expect(deleted.items[0].suppressed).toEqual(["adjectiveSwap"]);
    // An untyped addition creates slot user_1 for every item (a full relayout): still masked.
    const added = applyNegativeEdit(deleted, id, { kind: "add", type: null, text: "a dog under a table" });
    expect(added.negativeTypeNames).toEqual([...d.negativeTypeNames, "user_1"]);
    expect(added.items[0].negativeMask[k]).toBe(0);
    expect(added.items[0].negatives.at(-1)).toBe("a dog under a table");
    expect(added.items[1].negativeMask.at(-1)).toBe(0);
    // Writing a text for the type again lifts the suppression.
    const restored = applyNegativeEdit({ ...deleted, ...added }, id, {
      kind: "set",
      slot: "adjectiveSwap",
      text: "a green dog sits on a red chair",
    });
    expect(restored.items[0].negatives[k]).toBe("a green dog sits on a red chair");
    expect(restored.items[0].suppressed).toEqual([]);
  });

  it("edits and deletes untyped user negatives by slot, and rejects an empty untyped slot", () => {
    const item = {
      userNegatives: [
        { text: "one", type: null },
        { text: "typed", type: "nounSwap" as const },
        { text: "two", type: null },
      ],
    };
    const names = ["nounSwap", "user_1", "user_2"];
    expect(
      editUserNegatives(item, names, { kind: "set", slot: "user_2", text: "TWO" }).userNegatives,
    ).toEqual([
      { text: "one", type: null },
      { text: "typed", type: "nounSwap" },
      { text: "TWO", type: null },
    ]);
    expect(editUserNegatives(item, names, { kind: "delete", slot: "user_1" })).toEqual({
      userNegatives: [
        { text: "typed", type: "nounSwap" },
        { text: "two", type: null },
      ],
      suppressed: [],
    });
    expect(() => editUserNegatives(item, names, { kind: "set", slot: "user_3", text: "x" })).toThrow(
      'slot "user_3"',
    );
  });
});
