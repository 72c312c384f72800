import { describe, expect, it } from "vitest";
import { formatIssue } from "../../data/uploads/issues.js";
import { aroAttribution, aroRelation } from "./aro.js";
import { sugarcrepe } from "./sugarcrepe.js";
import type { ParsedBenchmark } from "./types.js";
import { valse } from "./valse.js";
import { vlChecklist } from "./vlChecklist.js";
import { winoground } from "./winoground.js";

const file = (name: string, content: unknown) => ({
  name,
  bytes: new TextEncoder().encode(typeof content === "string" ? content : JSON.stringify(content, null, 1)),
});
const brief = (parsed: ParsedBenchmark) => parsed.cases.map((c) => [c.subset, c.images, c.texts]);

describe("benchmark annotation files", () => {
  it("SugarCrepe: one test per id, the file names the subset", () => {
    const parsed = sugarcrepe.parse(
      file("data/swap_att.json", {
        "0": { filename: "000000391895.jpg", caption: "a red bus", negative_caption: "a bus red" },
        "1": { filename: "000000522418.jpg", caption: "a cat" },
      }),
      { subset: "swap_att" },
    );
    expect(brief(parsed)).toEqual([["swap_att", [{ name: "000000391895.jpg" }], ["a red bus", "a bus red"]]]);
    expect(parsed.issues.map(formatIssue)).toEqual([
      "data/swap_att.json line 7 (1), negative_caption: missing (skipped)",
    ]);
  });

  it("ARO: crops to bbox_* or bbox, groups by relation or attribute pair", () => {
    const relation = aroRelation.parse(
      file("visual_genome_relation.json", [
        {
          image_path: "2315.jpg",
          bbox_x: 10,
          bbox_y: 20,
          bbox_w: 30,
          bbox_h: 40,
          true_caption: "the horse is eating the grass",
          false_caption: "the grass is eating the horse",
          relation_name: "eating",
        },
        {
          image_path: "2316.jpg",
          bbox: [1, 2, 3, 4],
          true_caption: "a",
          false_caption: "b",
          relation_name: "on",
        },
        { image_path: "2317.jpg", bbox: [1, 2], true_caption: "a", false_caption: "b", relation_name: "on" },
        { image_path: "2318.jpg", bbox_x: 1, true_caption: "a", false_caption: "b", relation_name: "on" },
      ]),
      { subset: "ignored" },
    );
    expect(brief(relation)).toEqual([
      [
        "eating",
        [{ name: "2315.jpg", crop: { x: 10, y: 20, width: 30, height: 40 } }],
        ["the horse is eating the grass", "the grass is eating the horse"],
      ],
      ["on", [{ name: "2316.jpg", crop: { x: 1, y: 2, width: 3, height: 4 } }], ["a", "b"]],
    ]);
    expect(relation.issues.map((i) => `${i.entry} ${i.field}: ${i.message}`)).toEqual([
      "[2] bbox: must be [x, y, width, height] numbers (skipped)",
      "[3] bbox_y: missing (skipped)",
    ]);
    const attribution = aroAttribution.parse(
      file("visual_genome_attribution.json", [
        {
          image_path: "1.jpg",
          bbox: [0, 0, 5, 5],
          true_caption: "the white dog and the black cat",
          false_caption: "the black dog and the white cat",
          attributes: ["white", "black"],
        },
        {
          image_path: "1.jpg",
          bbox: [0, 0, 5, 5],
          true_caption: "x",
          false_caption: "y",
          attributes: "white",
        },
      ]),
      { subset: "ignored" },
    );
    expect(attribution.cases.map((c) => c.subset)).toEqual(["white_black"]);
    expect(attribution.issues[0].field).toBe("attributes");
  });

  it("VALSE: keeps validated foils only (mturk.caption >= 2) and reads old 'foils' lists", () => {
    const parsed = valse.parse(
      file("existence.json", {
        existence_0: {
          image_file: "v7w_1.jpg",
          caption: "There are no animals.",
          foil: "There are animals.",
          mturk: { foil: 0, caption: 3, other: 0 },
        },
        existence_1: {
          image_file: "v7w_2.jpg",
          caption: "There is a dog.",
          foil: "There is no dog.",
          mturk: { foil: 2, caption: 1, other: 0 },
        },
        existence_2: { image_file: "v7w_3.jpg", caption: "A man.", foils: ["A woman.", "A child."] },
        existence_3: {
          image_file: "v7w_4.jpg",
          caption: "A man.",
          foil: "A woman.",
          mturk: { caption: "many" },
        },
      }),
      { subset: "existence" },
    );
    expect(brief(parsed)).toEqual([
      ["existence", [{ name: "v7w_1.jpg" }], ["There are no animals.", "There are animals."]],
      ["existence", [{ name: "v7w_3.jpg" }], ["A man.", "A woman."]],
    ]);
    expect(parsed.excluded).toBe(1);
    expect(parsed.issues.map((i) => `${i.entry} ${i.field}`)).toEqual(["existence_3 mturk.caption"]);
  });

  it("VL-CheckList: [image, {POS, NEG}] with the first positive against the first negative", () => {
    const parsed = vlChecklist.parse(
      file("Attribute/color/vg.json", [
        ["vg/1.jpg", { POS: ["a red car", "a car"], NEG: ["a blue car"] }],
        ["vg/2.jpg", { POS: ["a tree"], NEG: [] }],
        { image: "vg/3.jpg" },
      ]),
      { subset: "color" },
    );
    expect(brief(parsed)).toEqual([["color", [{ name: "vg/1.jpg" }], ["a red car", "a blue car"]]]);
    expect(parsed.issues.map((i) => `${i.line} ${i.field ?? ""}`)).toEqual(["14 NEG", "23 "]);
  });

  it("Winoground: JSONL with two images and two captions per example", () => {
    const lines = [
      JSON.stringify({
        id: 0,
        image_0: "ex_0_img_0",
        image_1: "ex_0_img_1",
        caption_0: "an old person kisses a young person",
        caption_1: "a young person kisses an old person",
        collapsed_tag: "Object",
      }),
      "{not json",
      JSON.stringify({ id: 2, image_0: "ex_2_img_0", image_1: "ex_2_img_1", caption_0: "a", caption_1: "b" }),
    ];
    const parsed = winoground.parse(file("examples.jsonl", lines.join("\n")), { subset: "ignored" });
    expect(brief(parsed)).toEqual([
      [
        "Object",
        [{ name: "ex_0_img_0" }, { name: "ex_0_img_1" }],
        ["an old person kisses a young person", "a young person kisses an old person"],
      ],
      ["all", [{ name: "ex_2_img_0" }, { name: "ex_2_img_1" }], ["a", "b"]],
    ]);
    expect(parsed.issues.map(formatIssue)).toEqual([
      'examples.jsonl line 2: not valid JSON (column 2: expected a property name in double quotes, found "n"; skipped)',
    ]);
  });

  it("a file that is not JSON, or of the wrong shape, is one issue", () => {
    expect(sugarcrepe.parse(file("x.json", "[1, 2"), { subset: "x" }).issues.map(formatIssue)).toEqual([
      'x.json: not valid JSON (line 1, column 6: expected "," or "]", found the end of the file)',
    ]);
    expect(aroRelation.parse(file("y.json", { a: 1 }), { subset: "y" }).issues.map(formatIssue)).toEqual([
      "y.json: expected a JSON list at the top",
    ]);
  });
});
