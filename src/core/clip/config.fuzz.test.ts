import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectRefused, fuzzRuns } from "../fuzzing.js";
import { ConfigError, MAX_LAYERS, parseClipConfig } from "./config.js";
import { readSafetensors } from "./safetensors.js";
import { readJson, TINY_CLIP_DIR } from "./testing.js";
import { expectedParameterShapes, validateWeights, WeightsError } from "./weights.js";

/** Hostile config.json files, and weights that do not fit their config. */

type Json = Record<string, unknown>;
const baseConfig = readJson<Json>(join(TINY_CLIP_DIR, "config.json"));
const config = parseClipConfig(baseConfig);
const { tensors } = readSafetensors(new Uint8Array(readFileSync(join(TINY_CLIP_DIR, "model.safetensors"))));
const shapes = new Map([...tensors].map(([name, t]) => [name, { shape: t.shape }]));
const refuseConfig = (input: unknown) => expectRefused(() => parseClipConfig(input), [ConfigError]);

/** Fields with the values each accepts, by dotted path. */
const POSITIVE_INTS = [
  "projection_dim",
  "text_config.vocab_size",
  "text_config.hidden_size",
  "text_config.intermediate_size",
  "text_config.num_hidden_layers",
  "text_config.num_attention_heads",
  "text_config.max_position_embeddings",
  "vision_config.hidden_size",
  "vision_config.intermediate_size",
  "vision_config.num_hidden_layers",
  "vision_config.num_attention_heads",
  "vision_config.image_size",
  "vision_config.patch_size",
];
const INTS = ["text_config.pad_token_id", "text_config.bos_token_id", "text_config.eos_token_id"];
const POSITIVE_NUMBERS = ["text_config.layer_norm_eps", "vision_config.layer_norm_eps"];
const ACTIVATIONS = ["text_config.hidden_act", "vision_config.hidden_act"];

/** JSON text with one field set to raw JSON text (so 1e400, which parses to Infinity, survives). */
function withField(path: string, rawValue: string): string {
  const [head, tail] = path.includes(".") ? path.split(".") : [path, undefined];
  const copy = structuredClone(baseConfig);
  const marker = "__FUZZ_VALUE__";
  if (tail) (copy[head] as Json)[tail] = marker;
  else copy[head] = marker;
  // A replacer function: a string would read "$&" and the like in rawValue as patterns.
  return JSON.stringify(copy).replace(`"${marker}"`, () => rawValue);
}

const notANumber = fc.constantFrom('"8"', "true", "null", "{}", "[]", '"quick_gelu"');
const badFieldValue = fc.oneof(
  fc.record({
    path: fc.constantFrom(...POSITIVE_INTS),
    raw: fc.oneof(
      notANumber,
      fc.integer({ min: -1000, max: 0 }).map(String),
      fc.double({ min: 0.01, max: 1e6, noInteger: true, noNaN: true }).map(String),
      fc.constantFrom("1e400", "-1e400", String(2 ** 60)),
    ),
  }),
  // A layer count the weight check would loop over for ever.
  fc.record({
    path: fc.constantFrom("text_config.num_hidden_layers", "vision_config.num_hidden_layers"),
    raw: fc.integer({ min: MAX_LAYERS + 1, max: Number.MAX_SAFE_INTEGER }).map(String),
  }),
  fc.record({
    path: fc.constantFrom(...INTS),
    raw: fc.oneof(
      notANumber,
      fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true }).map(String),
    ),
  }),
  fc.record({
    path: fc.constantFrom(...POSITIVE_NUMBERS),
    raw: fc.oneof(notANumber, fc.double({ max: 0, noNaN: true, noDefaultInfinity: true }).map(String)),
  }),
  fc.record({
    path: fc.constantFrom(...ACTIVATIONS),
    raw: fc.oneof(
      notANumber.filter((v) => v !== '"quick_gelu"'),
      fc.string({ maxLength: 12 }).map((s) => JSON.stringify(`x${s}`)),
    ),
  }),
  fc.record({
    path: fc.constant("vision_config.num_channels"),
    raw: fc.oneof(
      notANumber,
      fc
        .integer({ min: -5, max: 10 })
        .filter((n) => n !== 3)
        .map(String),
    ),
  }),
  fc.record({
    path: fc.constantFrom("text_config", "vision_config"),
    raw: fc.constantFrom("[]", "7", '"clip"', "true"), // null means the defaults, as in HF
  }),
);

describe("config.json: hostile files are refused naming the field", () => {
  it("text that is not JSON", () => {
    const broken = fc
      .oneof(
        fc.string({ maxLength: 30 }).map((s) => `{${s}`),
        fc.nat({ max: 1000 }).map((cut) => JSON.stringify(baseConfig).slice(0, cut)),
      )
      .filter((text) => {
        try {
          JSON.parse(text);
          return false;
        } catch {
          return true;
        }
      });
    fc.assert(
      fc.property(broken, (text) => {
        expect(refuseConfig(text).message).toMatch(/^config.json is not valid JSON/);
      }),
      fuzzRuns(30),
    );
  });

  it("JSON that is not an object", () => {
    const notObject = fc.oneof(
      fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
      fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 10 })),
    );
    fc.assert(
      fc.property(notObject, (value) => {
        expect(refuseConfig(JSON.stringify(value)).message).toMatch(/field "\(root\)"/);
      }),
      fuzzRuns(20),
    );
  });

  it("one field with a value of the wrong type or out of range", () => {
    fc.assert(
      fc.property(badFieldValue, ({ path, raw }) => {
        expect(refuseConfig(withField(path, raw)).message).toContain(`field "${path}`);
      }),
      fuzzRuns(70),
    );
  });

  it("widths that the heads do not divide, images that the patches do not tile", () => {
    const what = fc.constantFrom(
      ["text_config", "hidden_size", "num_attention_heads"],
      ["vision_config", "hidden_size", "num_attention_heads"],
      ["vision_config", "image_size", "patch_size"],
    );
    const indivisible = fc
      .tuple(fc.integer({ min: 1, max: 512 }), fc.integer({ min: 2, max: 64 }))
      .filter(([size, part]) => size % part !== 0);
    fc.assert(
      fc.property(what, indivisible, ([tower, sizeField, partField], [size, part]) => {
        const copy = structuredClone(baseConfig);
        Object.assign(copy[tower] as Json, { [sizeField]: size, [partField]: part });
        expect(refuseConfig(copy).message).toMatch(/is not divisible by/);
      }),
      fuzzRuns(20),
    );
  });
});

describe("weights that do not fit the config are refused naming the parameter", () => {
  const names = [...expectedParameterShapes(config).keys()];
  const refuseWeights = (c: typeof config, t: Map<string, { shape: number[] }>) =>
    expectRefused(() => validateWeights(c, t), [WeightsError]);

  it("one parameter with a wrong shape", () => {
    const shape = fc.array(fc.integer({ min: 0, max: 2 ** 31 }), { maxLength: 5 });
    fc.assert(
      fc.property(fc.constantFrom(...names), shape, (name, wrong) => {
        fc.pre(
          wrong.join() !== shapes.get(name)!.shape.join() || wrong.length !== shapes.get(name)!.shape.length,
        );
        const mutated = new Map(shapes).set(name, { shape: wrong });
        const error = refuseWeights(config, mutated);
        expect(error.message).toContain(`parameter ${name} has shape [${wrong.join(",")}]`);
      }),
      fuzzRuns(40),
    );
  });

  it("parameters missing", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...names), { minLength: 1, maxLength: 5 }), (missing) => {
        const mutated = new Map(shapes);
        for (const name of missing) mutated.delete(name);
        expect(refuseWeights(config, mutated).message).toMatch(/^missing parameter /);
      }),
      fuzzRuns(20),
    );
  });

  it("a config with other (even huge) dimensions than the weights, checked without allocating", () => {
    const dims = fc.record({
      tower: fc.constantFrom("text_config", "vision_config"),
      field: fc.constantFrom("hidden_size", "intermediate_size", "num_hidden_layers"),
      factor: fc.oneof(fc.integer({ min: 2, max: 8 }), fc.constant(2 ** 9)),
    });
    fc.assert(
      fc.property(dims, ({ tower, field, factor }) => {
        const copy = structuredClone(baseConfig);
        const t = copy[tower] as Json;
        t[field] = (t[field] as number) * factor;
        refuseWeights(parseClipConfig(copy), shapes);
      }),
      fuzzRuns(20),
    );
  });
});
