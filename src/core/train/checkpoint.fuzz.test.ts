import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SafetensorsError, writeSafetensors } from "../clip/safetensors.js";
import { expectAcceptedOrRefused, expectRefused, fuzzRuns } from "../fuzzing.js";
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from "./checkpoint.js";
import { parseTrainConfig } from "./config.js";
import type { TrainerCheckpoint } from "./trainer.js";

/** Hostile checkpoint files (from disk, OPFS or IndexedDB): each must be refused clearly. */

const KINDS = [CheckpointError, SafetensorsError];
const refuse = (bytes: Uint8Array) => expectRefused(() => decodeCheckpoint(bytes), KINDS);

const valid: TrainerCheckpoint = {
  version: 1,
  step: 40,
  cursor: { epoch: 1, position: 8 },
  config: parseTrainConfig({ steps: 100, batchSize: 4 }),
  params: new Map([
    ["logit_scale", { shape: [], data: Float32Array.of(2.5) }],
    ["text_projection.weight", { shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) }],
  ]),
  optimizer: { step: 40, m: new Float32Array(7).fill(0.1), v: new Float32Array(7).fill(0.01) },
  objectiveState: { thresholds: [1, 2, 3] },
};
const validBytes = encodeCheckpoint(valid);
const validMeta = JSON.parse(
  JSON.stringify({ ...valid, params: undefined, optimizer: undefined, optimizerStep: 40 }),
);

/** A checkpoint file with the given metadata JSON text and moments. */
function withMeta(metaText: string, moments = { m: valid.optimizer.m, v: valid.optimizer.v }): Uint8Array {
  const tensors = new Map(valid.params);
  tensors.set("optimizer.m", { shape: [moments.m.length], data: moments.m });
  tensors.set("optimizer.v", { shape: [moments.v.length], data: moments.v });
  return writeSafetensors(tensors, { format: "hardneg-checkpoint", checkpoint: metaText });
}

const junk = fc.oneof(
  fc.constantFrom(null, -1, 1.5, "40", true, [], {}, [1], 2 ** 60 + 0.5, -0),
  fc.string({ maxLength: 6 }),
);

describe("checkpoints: hostile files are refused with a clear message", () => {
  it("the round trip still works", () => {
    const back = decodeCheckpoint(validBytes);
    expect([back.step, back.cursor, back.optimizer.step]).toEqual([40, { epoch: 1, position: 8 }, 40]);
  });

  it("metadata that is not JSON", () => {
    const text = fc.string({ maxLength: 40 }).filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return s.length > 0;
      }
    });
    fc.assert(
      fc.property(text, (t) => {
        expect(refuse(withMeta(t)).message).toMatch(/checkpoint metadata is not valid JSON/);
      }),
      fuzzRuns(20),
    );
  });

  it("one metadata field of the wrong type or out of range", () => {
    const field = fc.oneof(
      fc.record({
        path: fc.constantFrom(
          "version",
          "step",
          "optimizerStep",
          "cursor",
          "cursor.epoch",
          "cursor.position",
        ),
        value: junk.filter((v) => v !== 0),
      }),
      fc.record({
        path: fc.constant("objectiveState"),
        value: fc.oneof(
          junk.filter((v) => !(v && typeof v === "object" && !Array.isArray(v))),
          fc.constant({ t: ["x"] }),
        ),
      }),
      fc.record({
        path: fc.constantFrom(
          "config.steps",
          "config.lr",
          "config.batchSize",
          "config.beta1",
          "config.freeze",
        ),
        value: fc.constantFrom(-1, 0, "x", [], 2.5, 7),
      }),
    );
    fc.assert(
      fc.property(field, ({ path, value }) => {
        const meta = structuredClone(validMeta);
        const parts = path.split(".");
        const parent = parts.length === 2 ? meta[parts[0]] : meta;
        parent[parts.at(-1)!] = value;
        // Some config values are fine (beta1 2.5 is not, steps 7 is): only those that fail must fail.
        const result = expectAcceptedOrRefused(() => decodeCheckpoint(withMeta(JSON.stringify(meta))), KINDS);
        if (!path.startsWith("config.")) expect(result.ok, `${path} = ${JSON.stringify(value)}`).toBe(false);
        if (!result.ok) expect(result.error.message).toMatch(/^checkpoint metadata/);
      }),
      fuzzRuns(60),
    );
  });

  it("not a checkpoint, no moments, or moments of different sizes", () => {
    const broken = fc.oneof(
      fc
        .string({ maxLength: 12 })
        .map((format) => writeSafetensors(valid.params, format === "hardneg-checkpoint" ? {} : { format })),
      fc
        .nat({ max: 20 })
        .filter((n) => n !== 7)
        .map((n) => withMeta(JSON.stringify(validMeta), { m: new Float32Array(n), v: valid.optimizer.v })),
    );
    fc.assert(
      fc.property(broken, (bytes) => void refuse(bytes)),
      fuzzRuns(20),
    );
  });

  it("a checkpoint truncated anywhere, or with flipped bytes", () => {
    const damage = fc.oneof(
      fc
        .nat({ max: validBytes.length - 1 })
        .map((cut) => ({ bytes: validBytes.subarray(0, cut), strict: true })),
      fc
        .array(fc.tuple(fc.nat({ max: validBytes.length - 1 }), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        })
        .map((flips) => {
          const bytes = validBytes.slice();
          for (const [at, xor] of flips) bytes[at] ^= xor;
          return { bytes, strict: false };
        }),
    );
    fc.assert(
      fc.property(damage, ({ bytes, strict }) => {
        if (strict) refuse(bytes);
        else expectAcceptedOrRefused(() => decodeCheckpoint(bytes), KINDS);
      }),
      fuzzRuns(40),
    );
  });
});
