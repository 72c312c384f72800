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
});
