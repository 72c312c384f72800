import { describe, expect, it } from "vitest";
import type { DataIssue } from "../core/data/uploads/issues.js";
import { issueSummary, progressLabel } from "./dataStore.js";
import {
  decodeRunConfig,
  defaultRunConfig,
  encodeRunConfig,
  sanitizeRunConfig,
  TRAIN_FIELDS,
} from "./runConfig.js";

describe("dataStore helpers", () => {
  it("labels each upload stage with done / total", () => {
    expect(progressLabel({ stage: "images", done: 3, total: 10 })).toBe("Decoding images: 3 / 10");
    expect(progressLabel({ stage: "negatives", done: 0, total: 4 })).toBe("Generating negatives: 0 / 4");
  });

  it("counts errors, warnings and kinds", () => {
    const issue = (severity: "error" | "warning", kind: DataIssue["kind"]): DataIssue => ({
      severity,
      kind,
      file: "a.csv",
      line: 2,
      message: "x",
    });
    expect(
      issueSummary([
        issue("error", "missing-image"),
        issue("error", "missing-image"),
        issue("warning", "negatives"),
      ]),
    ).toEqual({ errors: 2, warnings: 1, text: "2 missing-image, 1 negatives" });
  });
});

describe("the run config's data source", () => {
  it("defaults to the shapes world, round-trips through the URL and rejects unknown sources", () => {
    expect(defaultRunConfig().data).toBe("shapes");
    expect(TRAIN_FIELDS.find((f) => f.path === "data")).toMatchObject({
      kind: "enum",
      options: ["shapes", "shapes-two-objects", "upload"],
      label: "Training data",
    });
    const upload = { ...defaultRunConfig(), data: "upload" as const };
    expect(encodeRunConfig(upload).get("data")).toBe("upload");
    expect(encodeRunConfig(defaultRunConfig()).has("data")).toBe(false);
    expect(decodeRunConfig("?data=upload").config.data).toBe("upload");
    expect(decodeRunConfig("?data=shapes-two-objects").config.data).toBe("shapes-two-objects");
    expect(decodeRunConfig("?data=imagenet")).toMatchObject({
      rejected: ["data"],
      config: { data: "shapes" },
    });
    expect(sanitizeRunConfig({ data: "upload" }).data).toBe("upload");
    expect(sanitizeRunConfig({ data: 3 }).data).toBe("shapes");
  });
});
