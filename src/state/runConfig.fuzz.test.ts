import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fuzzRuns, INPUT_BUDGET_MS } from "../core/fuzzing.js";
import { objectives } from "../core/losses/registry.js";
import { trainConfigSchema } from "../core/train/config.js";
import {
  allFields,
  decodeRunConfig,
  defaultRunConfig,
  encodeRunConfig,
  getField,
  type RunConfig,
  sanitizeRunConfig,
} from "./runConfig.js";

/**
 * Hostile shared links: the URL decoder never throws, never lets a bad value through (it
 * falls back to the default and names the key), and never touches Object.prototype.
 */

const OBJECTIVES = Object.keys(objectives);
const urlKeys = [...new Set(OBJECTIVES.flatMap((o) => allFields(o).map((f) => f.urlKey)))];

/** Every field of the config fits its own schema, and the whole fits TrainConfig. */
function expectValid(config: RunConfig): void {
  expect(trainConfigSchema.safeParse(config).success).toBe(true);
  expect(OBJECTIVES).toContain(config.objective);
  for (const field of allFields(config.objective)) {
    const value = getField(config, field.path);
    expect(field.schema.safeParse(value).success, `${field.path} = ${String(value)}`).toBe(true);
  }
}

function decodeQuickly(query: string) {
  const started = performance.now();
  const decoded = decodeRunConfig(query);
  expect(performance.now() - started).toBeLessThan(INPUT_BUDGET_MS);
  return decoded;
}

/** Values no numeric, boolean or enum field accepts. */
const hostileValue = fc.oneof(
  fc.constantFrom("NaN", "Infinity", "-Infinity", "1e999", "", " ", "0x", "true!", "__proto__", "-0.5e-400x"),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constant("9".repeat(5000)),
);

const pollutingKey = fc.constantFrom(
  "__proto__",
  "constructor",
  "prototype",
  "opt.__proto__",
  "opt.constructor",
  "freeze.__proto__",
  "__proto__.polluted",
  "opt.__proto__.polluted",
);

describe("the run-config URL decoder under hostile links", () => {
  it("any query string decodes to a valid config without throwing", () => {
    const pair = fc.tuple(
      fc.oneof(fc.constantFrom(...urlKeys, "objective"), fc.string({ maxLength: 12 })),
      hostileValue,
    );
    const query = fc.oneof(
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.array(pair, { maxLength: 8 }).map((pairs) => new URLSearchParams(pairs).toString()),
    );
    fc.assert(
      fc.property(query, (q) => {
        const { config } = decodeQuickly(q);
        expectValid(config);
      }),
      fuzzRuns(60),
    );
  });

  it("a bad value for a known key is reported and replaced by the default", () => {
    fc.assert(
      fc.property(fc.constantFrom(...OBJECTIVES), fc.nat(), hostileValue, (objective, pick, value) => {
        const fields = allFields(objective).filter((f) => f.kind !== "string");
        const field = fields[pick % fields.length];
        const query = new URLSearchParams({ objective, [field.urlKey]: value }).toString();
        const { config, rejected } = decodeQuickly(query);
        expectValid(config);
        const parsed = getField(config, field.path);
        if (rejected.includes(field.urlKey)) {
          expect(parsed).toEqual(getField(defaultRunConfig(objective), field.path));
        } else {
          // Accepted text must really be a value of the field (e.g. "1e999" is not).
          expect(field.schema.safeParse(parsed).success).toBe(true);
          expect(Number.isFinite(parsed) || typeof parsed !== "number").toBe(true);
        }
      }),
      fuzzRuns(60),
    );
  });

  it("keys aimed at the prototype chain change nothing", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(pollutingKey, hostileValue), { minLength: 1, maxLength: 4 }), (pairs) => {
        const { config } = decodeQuickly(new URLSearchParams(pairs).toString());
        expectValid(config);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
        expect(Object.getPrototypeOf(config.objectiveOptions)).toBe(Object.prototype);
      }),
      fuzzRuns(20),
    );
  });

  it("what a link decodes to encodes back to the same link", () => {
    const query = fc
      .array(fc.tuple(fc.constantFrom(...urlKeys, "objective"), hostileValue), { maxLength: 6 })
      .map((pairs) => new URLSearchParams(pairs).toString());
    fc.assert(
      fc.property(query, (q) => {
        const { config } = decodeQuickly(q);
        const again = decodeQuickly(encodeRunConfig(config).toString());
        expect(again.config).toEqual(config);
        expect(again.rejected).toEqual([]);
      }),
      fuzzRuns(30),
    );
  });

  it("a persisted session of any shape sanitises to a valid config", () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 3 }), (input) => {
        expectValid(sanitizeRunConfig(input));
      }),
      fuzzRuns(40),
    );
  });
});
