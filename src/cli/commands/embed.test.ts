import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { maxAbsDiff, readJson, TINY_CLIP_DIR } from "../../core/clip/testing.js";

const ROOT = join(import.meta.dirname, "../../..");
const runCli = (args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });

interface Expected {
  texts: string[];
  input_ids: number[][];
  logits_per_image: number[][];
  text_features: number[][];
}

describe("cli embed", () => {
  it("prints HF's input_ids, normalised embeds and logits_per_image for the fixture", () => {
    const expected = readJson<Expected>(join(TINY_CLIP_DIR, "expected.json"));
    const textsFile = join(tmpdir(), "hardneg-embed-texts.json");
    writeFileSync(textsFile, JSON.stringify(expected.texts));
    const images = [0, 1, 2, 3, 4].map((i) => join(TINY_CLIP_DIR, `image${i}.png`));
    const stdout = execFileSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/main.ts",
        "embed",
        "--model",
        TINY_CLIP_DIR,
        "--texts",
        textsFile,
        "--images",
        ...images,
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    const out = JSON.parse(stdout);
    expect(out.input_ids).toEqual(expected.input_ids);
    expect(maxAbsDiff(out.logits_per_image.flat(), expected.logits_per_image.flat())).toBeLessThan(1e-3);
    const norms = out.text_embeds.map((row: number[]) => Math.hypot(...row));
    for (const n of norms) expect(n).toBeCloseTo(1, 5);
    const direction = expected.text_features[0].map((v) => v / Math.hypot(...expected.text_features[0]));
    expect(maxAbsDiff(out.text_embeds[0], direction)).toBeLessThan(1e-4);
  });

  it("fails with a one-line message and a non-zero exit code", () => {
    const missing = runCli(["embed", "--model", "/no/such/dir", "--texts", "x.json"]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr.trim()).toMatch(/^error: cannot read texts from x.json/);
    const unknown = runCli(["embed", "--bogus"]);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
  });
});
