import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectAcceptedOrRefused, expectRefused, fuzzRuns } from "../fuzzing.js";
import { MAX_HEADER_BYTES, readSafetensors, SafetensorsError, writeSafetensors } from "./safetensors.js";

/** Hostile safetensors files: each must be refused with a SafetensorsError, fast. */

const refuse = (bytes: Uint8Array) => expectRefused(() => readSafetensors(bytes), [SafetensorsError]);

/** A file from header text and a data section, with an honest length prefix. */
function file(header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const headerLength = (bytes: Uint8Array) =>
  Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));

/** Valid little files: 1-4 F32 tensors of small random shapes. */
const validFile = fc
  .uniqueArray(
    fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9_.]{0,11}$/),
      shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 4, selector: (t) => t.name },
  )
  .map((specs) => {
    const tensors = specs.map(({ name, shape }): [string, { shape: number[]; data: Float32Array }] => {
      const size = shape.reduce((n, d) => n * d, 1);
      return [name, { shape, data: Float32Array.from({ length: size }, (_, i) => i + 0.5) }];
    });
    const bytes = writeSafetensors(tensors);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength(bytes)))) as Record<
      string,
      { dtype: string; shape: number[]; data_offsets: [number, number] }
    >;
    return { bytes, header, data: bytes.subarray(8 + headerLength(bytes)) };
  });

/** Values that are wrong for every field: wrong types, and numbers no field accepts. */
const junk = fc.oneof(
  fc.constantFrom(null, true, "", [], {}, -1, 0.5, 2 ** 53, 1e308, -0.0001),
  fc.string({ maxLength: 8 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);

/** A dtype the reader does not read: unknown names and real but unsupported ones. */
const badDtype = fc.oneof(
  fc.constantFrom("I32", "U8", "BOOL", "F64", "U64", "I8", "F8_E4M3", "f32", "float32", " F32"),
  fc.string({ maxLength: 6 }).filter((s) => !["F32", "F16", "BF16", "I64"].includes(s)),
);

/** A shape that is not a list of non-negative safe integers. */
const badShape = fc.oneof(
  junk.filter((v) => !Array.isArray(v)),
  fc.array(fc.oneof(fc.integer({ max: -1 }), fc.double({ noInteger: true }), fc.constant("2")), {
    minLength: 1,
    maxLength: 4,
  }),
  fc.array(fc.constantFrom(2 ** 53, 1e300, 2 ** 64), { minLength: 1, maxLength: 3 }),
);

/** Huge but valid-looking dimensions: the byte count they need never matches a small file. */
const hugeShape = fc.array(fc.integer({ min: 2 ** 20, max: Number.MAX_SAFE_INTEGER }), {
  minLength: 1,
  maxLength: 6,
});

describe("safetensors: hostile and broken files are refused with a clear message", () => {
  it("a header length that lies (too long, too short, beyond any limit)", () => {
    fc.assert(
      fc.property(validFile, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), ({ bytes }, length) => {
        fc.pre(length !== BigInt(headerLength(bytes)));
        const lying = bytes.slice();
        new DataView(lying.buffer).setBigUint64(0, length, true);
        const error = refuse(lying);
        if (length > BigInt(MAX_HEADER_BYTES)) expect(error.message).toMatch(/exceeds the limit/);
      }),
      fuzzRuns(40),
    );
  });

  it("a header that is not a JSON object", () => {
    const notObject = fc
      .oneof(
        fc.string({ maxLength: 40 }).map((s) => `{${s}`),
        fc.string({ unit: "binary", maxLength: 40 }),
        fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
      )
      .filter((text) => {
        try {
          const v = JSON.parse(text);
          return !(text.startsWith("{") && v && typeof v === "object" && !Array.isArray(v));
        } catch {
          return true;
        }
      });
    fc.assert(
      fc.property(notObject, (text) => {
        refuse(file(text));
      }),
      fuzzRuns(40),
    );
  });

  it("one field of one tensor replaced by a wrong dtype, shape or value", () => {
    const field = fc.oneof(
      fc.record({ key: fc.constant("dtype"), value: fc.oneof(badDtype, junk) }),
      fc.record({ key: fc.constant("shape"), value: badShape }),
      fc.record({ key: fc.constant("data_offsets"), value: junk }),
      fc.record({ key: fc.constantFrom("dtype", "shape", "data_offsets"), value: fc.constant(undefined) }),
    );
    fc.assert(
      fc.property(validFile, fc.nat(), field, ({ header, data }, pick, { key, value }) => {
        const names = Object.keys(header).filter((n) => n !== "__metadata__");
        const name = names[pick % names.length];
        const entry: Record<string, unknown> = { ...header[name] };
        if (value === undefined) delete entry[key];
        else entry[key] = value;
        const error = refuse(file(JSON.stringify({ ...header, [name]: entry }), data));
        expect(error.message).toContain(`"${name}"`);
      }),
      fuzzRuns(60),
    );
  });

  it("data offsets out of range, reversed or overlapping", () => {
    fc.assert(
      fc.property(
        validFile,
        fc.nat(),
        fc.tuple(fc.nat({ max: 200 }), fc.nat({ max: 200 })),
        ({ header, data }, pick, offsets) => {
          const names = Object.keys(header).filter((n) => n !== "__metadata__");
          const name = names[pick % names.length];
          const [begin, end] = header[name].data_offsets;
          fc.pre(offsets[0] !== begin || offsets[1] !== end);
          // An empty tensor may sit at any tensor boundary: moving it there is still valid.
          fc.pre(begin !== end || offsets[0] !== offsets[1]);
          const entry = { ...header[name], data_offsets: offsets };
          refuse(file(JSON.stringify({ ...header, [name]: entry }), data));
        },
      ),
      fuzzRuns(50),
    );
  });

  it("huge shapes are refused before anything is allocated", () => {
    fc.assert(
      fc.property(hugeShape, fc.constantFrom("F32", "F16", "BF16", "I64"), (shape, dtype) => {
        const header = JSON.stringify({ big: { dtype, shape, data_offsets: [0, 8] } });
        const error = refuse(file(header, new Uint8Array(8)));
        expect(error.message).toMatch(/needs \d+ bytes|too large/);
      }),
      fuzzRuns(30),
    );
  });

  it("a file truncated anywhere", () => {
    fc.assert(
      fc.property(validFile, fc.double({ min: 0, max: 1, noNaN: true }), ({ bytes }, at) => {
        refuse(bytes.subarray(0, Math.min(bytes.length - 1, Math.floor(at * bytes.length))));
      }),
      fuzzRuns(40),
    );
  });

  it("random byte flips: accepted only when the file still describes itself exactly", () => {
    fc.assert(
      fc.property(
        validFile,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        ({ bytes }, flips) => {
          const mutated = bytes.slice();
          for (const [at, xor] of flips) mutated[at % mutated.length] ^= xor;
          const result = expectAcceptedOrRefused(() => readSafetensors(mutated), [SafetensorsError]);
          if (result.ok) {
            for (const t of result.value.tensors.values()) {
              expect(t.data.length).toBe(t.shape.reduce((n, d) => n * d, 1));
            }
          }
        },
      ),
      fuzzRuns(50),
    );
  });

  it("deeply nested or enormous header values are reported in a short message", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 200_000 }),
        fc.constantFrom("entry", "shape", "string"),
        (depth, where) => {
          const nested = `${"[".repeat(depth)}${"]".repeat(depth)}`;
          const header =
            where === "entry"
              ? `{"a": ${nested}}`
              : where === "shape"
                ? `{"a": {"dtype": "F32", "shape": ${nested}, "data_offsets": [0, 0]}}`
                : `{"${"n".repeat(depth)}": 1}`;
          const error = refuse(file(header));
          expect(error.message.length).toBeLessThan(300);
        },
      ),
      fuzzRuns(10),
    );
  });
});
