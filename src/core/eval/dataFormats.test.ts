import { describe, expect, it } from "vitest";
import { findEvalDataFormat, IMPORTED_DATA_FORMATS } from "./dataFormats.js";

const files: Record<string, unknown> = {
  "a/Attribute/color/vg.json": [["1.jpg", { POS: ["a red car"], NEG: ["a blue car"] }]],
  "a/Attribute/material/vg.json": [
    ["2.jpg", { POS: ["a wooden chair"], NEG: ["a metal chair"] }],
    ["3.jpg", { POS: [], NEG: ["x"] }],
  ],
  "b/hake.json": [["4.jpg", { POS: ["a man rides"], NEG: ["a man eats"] }]],
};
const readFile = async (path: string) => {
  if (!(path in files)) throw new Error("ENOENT");
  return new TextEncoder().encode(JSON.stringify(files[path]));
};

describe("imported benchmark data formats", () => {
  it("registers every importer as <name>:<annotation file>", () => {
    expect(IMPORTED_DATA_FORMATS.map((f) => f.usage)).toEqual([
      "sugarcrepe:<annotation file>",
      "aro-relation:<annotation file>",
      "aro-attribution:<annotation file>",
      "valse:<annotation file>",
      "vl-checklist:<annotation file>",
      "winoground:<annotation file>",
    ]);
    const found = findEvalDataFormat("aro-relation:visual_genome_relation.json");
    expect(found.kind === "imported" && found.format.importer.name).toBe("aro-relation");
    expect(findEvalDataFormat("shapes-heldout").kind).toBe("typed");
  });

  it("reads comma-separated files as subsets, keeping paths where file names clash", async () => {
    const found = findEvalDataFormat(
      "vl-checklist:a/Attribute/color/vg.json, a/Attribute/material/vg.json,b/hake.json",
    );
    if (found.kind !== "imported") throw new Error("expected an imported format");
    const parsed = await found.format.load(
      "vl-checklist:a/Attribute/color/vg.json, a/Attribute/material/vg.json,b/hake.json",
      { readFile },
    );
    expect(parsed.cases.map((c) => c.subset)).toEqual([
      "a/Attribute/color/vg",
      "a/Attribute/material/vg",
      "hake",
    ]);
    expect(parsed.issues.map((i) => `${i.file} ${i.entry} ${i.field}`)).toEqual([
      "a/Attribute/material/vg.json [1] POS",
    ]);
    await expect(found.format.load("vl-checklist:nope.json", { readFile })).rejects.toThrow(
      "cannot read the vl-checklist annotation file nope.json",
    );
    await expect(found.format.load("vl-checklist:", { readFile })).rejects.toThrow(
      "vl-checklist needs an annotation file: vl-checklist:<file>",
    );
  });
});
