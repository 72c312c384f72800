import { describe, expect, it } from "vitest";
import { trainConfigSchema } from "../core/train/config.js";
import {
  DEFAULT_RUN_CONFIG,
  decodeRunConfig,
  defaultRunConfig,
  encodeRunConfig,
  humanize,
  liveChanges,
  mergeIntoSearch,
  objectiveFields,
  sanitizeRunConfig,
  setField,
  TRAIN_FIELDS,
  withObjective,
} from "./runConfig.js";

describe("run config defaults and fields", () => {
  it("has the app defaults for the built-in shapes model", () => {
    expect(DEFAULT_RUN_CONFIG).toMatchObject({
      objective: "ceclip",
      lr: 1e-3,
      batchSize: 64,
      steps: 1000,
      decaySteps: 2000,
      warmupSteps: 50,
      evalEvery: 100,
    });
    expect(DEFAULT_RUN_CONFIG.objectiveOptions).toMatchObject({
      cmrWeight: 0.2,
      imcWeight: 0.3,
      upperBound: 10,
    });
    expect(() => trainConfigSchema.parse(DEFAULT_RUN_CONFIG)).not.toThrow();
  });

  it("lists every TrainConfig field and every objective option, with descriptions", () => {
    const paths = TRAIN_FIELDS.map((f) => f.path);
    for (const key of Object.keys(trainConfigSchema.shape)) {
      if (key === "objective" || key === "objectiveOptions") continue;
      // Nested settings (freeze, lora) are listed field by field.
      if (key === "freeze") expect(paths).toContain("freeze.textTower");
      else if (key === "lora") expect(paths).toEqual(expect.arrayContaining(["lora.rank", "lora.alpha"]));
      else expect(paths).toContain(key);
    }
    const options = objectiveFields("ceclip");
    expect(options.map((f) => f.path.replace("objectiveOptions.", "")).sort()).toEqual(
      [
        "cmrWeight",
        "fixedThreshold",
        "imcVariant",
        "imcWeight",
        "resetEachEpoch",
        "thresholdType",
        "upperBound",
      ].sort(),
    );
    for (const f of [...TRAIN_FIELDS, ...options]) expect(f.description, f.path).not.toBe("");
    expect(options.find((f) => f.path.endsWith("thresholdType"))).toMatchObject({
      kind: "enum",
      options: ["mean", "max", "fixed"],
    });
    expect(options.find((f) => f.path.endsWith("resetEachEpoch"))?.kind).toBe("boolean");
    expect(TRAIN_FIELDS.find((f) => f.path === "steps")).toMatchObject({ kind: "integer", label: "Steps" });
    expect(objectiveFields("clip")).toEqual([]);
    expect(objectiveFields("nope")).toEqual([]);
  });

  it("labels keys readably", () => {
    expect(humanize("cmrWeight")).toBe("CMR weight");
    expect(humanize("resetEachEpoch")).toBe("Reset each epoch");
  });
});

describe("URL encoding", () => {
  it("writes nothing for the defaults", () => {
    expect(encodeRunConfig(DEFAULT_RUN_CONFIG).toString()).toBe("");
    expect(decodeRunConfig("")).toEqual({ config: DEFAULT_RUN_CONFIG, rejected: [], present: false });
  });

  it("round-trips non-default values only", () => {
    let config = setField(DEFAULT_RUN_CONFIG, "lr", 5e-4);
    config = setField(config, "steps", 300);
    config = setField(config, "freeze.textTower", true);
    config = setField(config, "objectiveOptions.cmrWeight", 0.5);
    config = setField(config, "objectiveOptions.thresholdType", "max");
    config = setField(config, "objectiveOptions.resetEachEpoch", false);
    const params = encodeRunConfig(config);
    expect(Object.fromEntries(params)).toEqual({
      lr: "0.0005",
      steps: "300",
      "freeze.textTower": "1",
      "opt.cmrWeight": "0.5",
      "opt.thresholdType": "max",
      "opt.resetEachEpoch": "0",
    });
    const decoded = decodeRunConfig(`?${params}`);
    expect(decoded.config).toEqual(config);
    expect(decoded.rejected).toEqual([]);
    expect(decoded.present).toBe(true);
  });

  it("round-trips another objective", () => {
    const config = setField(withObjective(DEFAULT_RUN_CONFIG, "negclip"), "batchSize", 32);
    const params = encodeRunConfig(config);
    expect(Object.fromEntries(params)).toEqual({ objective: "negclip", batchSize: "32" });
    expect(decodeRunConfig(params).config).toEqual(config);
  });

  it("ignores unknown keys", () => {
    const decoded = decodeRunConfig("?tab=probe&utm=x&lr=0.002");
    expect(decoded.config).toEqual(setField(DEFAULT_RUN_CONFIG, "lr", 0.002));
    expect(decoded.rejected).toEqual([]);
  });

  it("falls back to defaults for bad values, without throwing", () => {
    const decoded = decodeRunConfig(
      "?objective=bogus&lr=-1&steps=1.5&batchSize=abc&freeze.textTower=maybe&opt.thresholdType=median&opt.cmrWeight=&opt.nope=3&evalEvery=1e400",
    );
    expect(decoded.config).toEqual(DEFAULT_RUN_CONFIG);
    expect(decoded.rejected.sort()).toEqual(
      [
        "objective",
        "lr",
        "steps",
        "batchSize",
        "freeze.textTower",
        "opt.thresholdType",
        "opt.cmrWeight",
        "opt.nope",
        "evalEvery",
      ].sort(),
    );
  });

  it("keeps other query parameters when writing", () => {
    const config = setField(DEFAULT_RUN_CONFIG, "seed", 3);
    expect(mergeIntoSearch("?lr=0.1&tab=x", config)).toBe("?tab=x&seed=3");
    expect(mergeIntoSearch("?lr=0.1", DEFAULT_RUN_CONFIG)).toBe("");
  });
});

describe("config edits", () => {
  it("switching the objective resets its options, keeping compatible ones", () => {
    const negclip = withObjective(DEFAULT_RUN_CONFIG, "negclip");
    expect(negclip.objectiveOptions).toEqual({});
    const back = withObjective(negclip, "ceclip");
    expect(back).toEqual(DEFAULT_RUN_CONFIG);
    expect(withObjective(DEFAULT_RUN_CONFIG, "nope")).toBe(DEFAULT_RUN_CONFIG);
  });

  it("sanitises stored configs field by field", () => {
    expect(sanitizeRunConfig(null)).toEqual(DEFAULT_RUN_CONFIG);
    const stored = {
      ...DEFAULT_RUN_CONFIG,
      lr: "fast",
      steps: 20,
      objectiveOptions: { cmrWeight: -1, imcWeight: 0.1 },
    };
    const clean = sanitizeRunConfig(stored);
    expect(clean.lr).toBe(DEFAULT_RUN_CONFIG.lr);
    expect(clean.steps).toBe(20);
    expect(clean.objectiveOptions.cmrWeight).toBe(0.2);
    expect(clean.objectiveOptions.imcWeight).toBe(0.1);
    expect(sanitizeRunConfig({ objective: "clip" })).toEqual(defaultRunConfig("clip"));
  });

  it("finds the live-editable changes of a paused run", () => {
    let form = setField(DEFAULT_RUN_CONFIG, "lr", 2e-3);
    form = setField(form, "objectiveOptions.cmrWeight", 0.4);
    form = setField(form, "steps", 5);
    expect(liveChanges(form, DEFAULT_RUN_CONFIG)).toEqual({ lr: 2e-3, objectiveOptions: { cmrWeight: 0.4 } });
    expect(liveChanges(DEFAULT_RUN_CONFIG, DEFAULT_RUN_CONFIG)).toEqual({});
  });

  it("LoRA and last-blocks settings have their own labels, group and URL keys", () => {
    expect(TRAIN_FIELDS.find((f) => f.path === "lora.rank")).toMatchObject({
      label: "LoRA rank",
      group: "LoRA",
      kind: "integer",
      min: 0,
      max: 256,
      defaultValue: 0,
    });
    expect(TRAIN_FIELDS.find((f) => f.path === "freeze.lastBlocks")?.label).toBe(
      "Train only the last blocks",
    );
    let config = setField(DEFAULT_RUN_CONFIG, "lora.rank", 8);
    config = setField(config, "freeze.lastBlocks", 2);
    const params = encodeRunConfig(config);
    expect(params.get("lora.rank")).toBe("8");
    expect(params.get("freeze.lastBlocks")).toBe("2");
    expect(decodeRunConfig(params).config).toEqual(config);
    expect(decodeRunConfig("?lora.rank=-1").rejected).toEqual(["lora.rank"]);
  });
});
