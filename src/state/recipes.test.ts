import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { objectives } from "../core/losses/registry.js";
import { parseTrainConfig } from "../core/train/config.js";
import { SHAPES_FINETUNE_SETTINGS } from "../core/train/recipes.js";
import { shapesCureRecipe } from "./recipes.js";
import { decodeRunConfig, defaultRunConfig, encodeRunConfig } from "./runConfig.js";

describe("the shapes-world cure recipe", () => {
  const recipe = shapesCureRecipe();

  it("keeps every setting of the reproduce row (none is dropped as invalid)", () => {
    const { scenes: _scenes, ...settings } = SHAPES_FINETUNE_SETTINGS;
    expect(recipe).toMatchObject({ ...settings, objective: "ceclip", data: "shapes-two-objects" });
    expect(recipe.objectiveOptions).toMatchObject({ thresholdType: "fixed", fixedThreshold: 10 });
    // The other CE-CLIP options stay at the objective's defaults (weights 0.2 / 0.3 etc.).
    const { thresholdType: _t, fixedThreshold: _f, ...rest } = recipe.objectiveOptions;
    const {
      thresholdType: _dt,
      fixedThreshold: _df,
      ...defaults
    } = defaultRunConfig("ceclip").objectiveOptions;
    expect(rest).toEqual(defaults);
  });

  it("is a valid training config and survives the address bar", () => {
    const config = parseTrainConfig(recipe);
    expect(objectives.ceclip.optionsSchema.parse(config.objectiveOptions)).toMatchObject({
      thresholdType: "fixed",
      fixedThreshold: 10,
    });
    expect(decodeRunConfig(encodeRunConfig(recipe))).toMatchObject({ config: recipe, rejected: [] });
  });

  it("trains on a scene order whose recorded fixed-10 run cured every type", () => {
    // Every `npm run reproduce` record in the repository: reproduce/ and its --dir folders.
    const records = [
      "reproduce",
      ...readdirSync("reproduce", { withFileTypes: true })
        .filter((d) => d.isDirectory() && d.name !== "runs")
        .map((d) => `reproduce/${d.name}`),
    ]
      .map((dir) => JSON.parse(readFileSync(`${dir}/results.json`, "utf8")))
      .filter(
        ({ settings }) =>
          (settings.trainSeed ?? settings.seed) === recipe.seed &&
          settings.steps === recipe.steps &&
          settings.batch === recipe.batchSize &&
          settings.lr === recipe.lr,
      );
    const row = records
      .flatMap(({ results }) => results)
      .find((r: { name: string }) => r.name === "ceclip_fixed10");
    expect(row, `no reproduce record of the fixed-10 row on train seed ${recipe.seed}`).toBeDefined();
    for (const accuracy of Object.values(row.result.perType)) expect(accuracy).toBeGreaterThanOrEqual(0.9);
  });
});
