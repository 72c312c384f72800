import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSafetensors, SafetensorsError, writeSafetensors } from "./safetensors.js";
import { TINY_CLIP_DIR } from "./testing.js";

/** A file from a header (object or raw text) and a data section, with an honest length prefix. */
function file(header: unknown, data: Uint8Array | number = 0): Uint8Array {
  const text = typeof header === "string" ? header : JSON.stringify(header);
  const json = new TextEncoder().encode(text);
  const body = typeof data === "number" ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

function u16le(values: number[]): Uint8Array {
  const out = new Uint8Array(2 * values.length);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    view.setUint16(2 * i, v, true);
  });
  return out;
}

function readError(bytes: Uint8Array): SafetensorsError {
  try {
    readSafetensors(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(SafetensorsError);
    return e as SafetensorsError;
  }
  throw new Error("readSafetensors accepted a malformed file");
}

describe("writeSafetensors / readSafetensors round trip", () => {
  const tensors = new Map([
    ["b.matrix", { shape: [2, 3], data: Float32Array.from([1, -2.5, 3e-38, 1e-45, 65504, -0]) }],
    ["a.scalar", { shape: [], data: Float32Array.from([Math.PI]) }],
    ["c.empty", { shape: [0, 4], data: new Float32Array(0) }],
    ["d.special", { shape: [3], data: Float32Array.from([Infinity, -Infinity, Number.NaN]) }],
  ]);

  it("returns every tensor bit for bit, with shapes and F32 dtype", () => {
    const { tensors: back, metadata, skipped } = readSafetensors(writeSafetensors(tensors));
    expect(skipped).toEqual([]);
    expect(metadata).toEqual({ format: "pt" });
    expect([...back.keys()]).toEqual(["a.scalar", "b.matrix", "c.empty", "d.special"]);
    for (const [name, t] of tensors) {
      const got = back.get(name)!;
      expect(got.dtype).toBe("F32");
      expect(got.shape).toEqual(t.shape);
      expect(new Uint32Array(got.data.buffer)).toEqual(new Uint32Array(t.data.buffer));
    }
    expect(back.get("a.scalar")!.data[0]).toBe(Math.fround(Math.PI));
    expect(Object.is(back.get("b.matrix")!.data[5], -0)).toBe(true);
  });

  it("writes HF's layout: sorted names, metadata first and merged, space padding to 8 bytes", () => {
    const bytes = writeSafetensors(tensors, { epoch: "3", format: "pt" });
    const view = new DataView(bytes.buffer);
    const headerLength = Number(view.getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    expect(text.startsWith('{"__metadata__":{"format":"pt","epoch":"3"},"a.scalar":')).toBe(true);
    expect(text.length - text.trimEnd().length).toBe((8 - (text.trimEnd().length % 8)) % 8);
    expect(JSON.parse(text)["b.matrix"]).toEqual({ dtype: "F32", shape: [2, 3], data_offsets: [4, 28] });
    expect(bytes.length).toBe(8 + headerLength + 4 * (1 + 6 + 0 + 3));
    expect(readSafetensors(bytes).metadata).toEqual({ format: "pt", epoch: "3" });
  });

  it("accepts an iterable of entries and rejects bad input", () => {
    const single = writeSafetensors([["x", { shape: [2], data: Float32Array.from([1, 2]) }]]);
    expect(readSafetensors(single).tensors.get("x")!.data).toEqual(Float32Array.from([1, 2]));
    expect(() => writeSafetensors([["x", { shape: [3], data: new Float32Array(2) }]])).toThrow(
      /tensor "x": shape \[3\] needs 3 values, data has 2/,
    );
    expect(() =>
      writeSafetensors([
        ["x", { shape: [1], data: new Float32Array(1) }],
        ["x", { shape: [1], data: new Float32Array(1) }],
      ]),
    ).toThrow(/tensor "x" is given twice/);
    expect(() => writeSafetensors([["__metadata__", { shape: [], data: new Float32Array(1) }]])).toThrow(
      /"__metadata__" cannot be a tensor name/,
    );
  });

  it("reads tensors at offsets that are not 4-byte aligned", () => {
    // An F16 tensor of one element shifts the F32 tensor behind it to an odd-of-4 offset.
    const data = new Uint8Array(6);
    new DataView(data.buffer).setUint16(0, 0x3c00, true);
    new DataView(data.buffer).setFloat32(2, -1.75, true);
    const bytes = file(
      {
        h: { dtype: "F16", shape: [1], data_offsets: [0, 2] },
        f: { dtype: "F32", shape: [1], data_offsets: [2, 6] },
      },
      data,
    );
    // And the whole file sits at an odd byteOffset inside a bigger buffer.
    const shifted = new Uint8Array(bytes.length + 3).subarray(3);
    shifted.set(bytes);
    for (const input of [bytes, shifted]) {
      const { tensors } = readSafetensors(input);
      expect(tensors.get("h")!.data).toEqual(Float32Array.from([1]));
      expect(tensors.get("f")!.data).toEqual(Float32Array.from([-1.75]));
    }
  });
});

describe("half-precision decoding", () => {
  it("decodes F16 exactly: normals, extremes, subnormals, zeros, infinities, NaN", () => {
    const cases: [number, number][] = [
      [0x3c00, 1],
      [0xc000, -2],
      [0x3555, 0.333251953125],
      [0x7bff, 65504],
      [0x0400, 2 ** -14],
      [0x03ff, 1023 * 2 ** -24],
      [0x0001, 2 ** -24],
      [0x8001, -(2 ** -24)],
      [0x0000, 0],
      [0x7c00, Infinity],
      [0xfc00, -Infinity],
    ];
    const codes = [...cases.map(([h]) => h), 0x8000, 0x7e00, 0xfe01];
    const { tensors } = readSafetensors(
      file({ x: { dtype: "F16", shape: [codes.length], data_offsets: [0, 2 * codes.length] } }, u16le(codes)),
    );
    const x = tensors.get("x")!;
    expect(x.dtype).toBe("F16");
    expect(Array.from(x.data.subarray(0, cases.length))).toEqual(cases.map(([, v]) => v));
    expect(Object.is(x.data[cases.length], -0)).toBe(true);
    expect(Number.isNaN(x.data[cases.length + 1])).toBe(true);
    expect(Number.isNaN(x.data[cases.length + 2])).toBe(true);
    // The NaN keeps its sign and payload, as torch's half -> float does.
    const bits = new Uint32Array(x.data.buffer);
    expect(bits[cases.length + 1]).toBe(0x7fc00000);
    expect(bits[cases.length + 2]).toBe(0xffc02000);
  });

  it("decodes BF16 exactly as the top half of a float32", () => {
    const cases: [number, number][] = [
      [0x3f80, 1],
      [0xc049, -3.140625],
      [0x4049, 3.140625],
      [0x7f7f, 255 * 2 ** 120],
      [0x0001, 2 ** -133],
      [0x0080, 2 ** -126],
      [0x3c23, 163 / 16384],
      [0x7f80, Infinity],
      [0xff80, -Infinity],
    ];
    const codes = [...cases.map(([h]) => h), 0x7fc0];
    const { tensors } = readSafetensors(
      file({ y: { dtype: "BF16", shape: [2, 5], data_offsets: [0, 20] } }, u16le(codes)),
    );
    const y = tensors.get("y")!;
    expect(y.dtype).toBe("BF16");
    expect(y.shape).toEqual([2, 5]);
    expect(Array.from(y.data.subarray(0, cases.length))).toEqual(cases.map(([, v]) => v));
    expect(Number.isNaN(y.data[9])).toBe(true);
  });
});

describe("the tiny HF checkpoint", () => {
  const bytes = new Uint8Array(readFileSync(join(TINY_CLIP_DIR, "model.safetensors")));

  it("has HF's keys and shapes, all F32, and metadata format pt", () => {
    const { tensors, metadata, skipped } = readSafetensors(bytes);
    expect(metadata).toEqual({ format: "pt" });
    // 36 text + 39 vision parameters, two projections and logit_scale; this export has no position_ids.
    expect(tensors.size).toBe(78);
    expect(skipped).toEqual([]);
    expect(tensors.get("text_model.embeddings.token_embedding.weight")!.shape).toEqual([664, 64]);
    expect(tensors.get("vision_model.embeddings.patch_embedding.weight")!.shape).toEqual([48, 3, 8, 8]);
    expect(tensors.get("visual_projection.weight")!.shape).toEqual([32, 48]);
    const logitScale = tensors.get("logit_scale")!;
    expect(logitScale.shape).toEqual([]);
    expect(logitScale.data[0]).toBeCloseTo(2.6592, 4);
    for (const t of tensors.values()) {
      expect(t.dtype).toBe("F32");
      expect(t.data.length).toBe(t.shape.reduce((n, d) => n * d, 1));
    }
  });

  it("rewrites to the byte-identical file", () => {
    const { tensors, metadata } = readSafetensors(bytes);
    expect(writeSafetensors(tensors, metadata)).toEqual(bytes);
  });

  it("skips I64 position_ids buffers and keeps the float tensors", () => {
    const data = new Uint8Array(8 * 3 + 4);
    new DataView(data.buffer).setFloat32(24, 0.5, true);
    const { tensors, skipped } = readSafetensors(
      file(
        {
          "text_model.embeddings.position_ids": { dtype: "I64", shape: [1, 3], data_offsets: [0, 24] },
          w: { dtype: "F32", shape: [], data_offsets: [24, 28] },
        },
        data,
      ),
    );
    expect(skipped).toEqual(["text_model.embeddings.position_ids"]);
    expect([...tensors.keys()]).toEqual(["w"]);
    expect(tensors.get("w")!.data[0]).toBe(0.5);
  });
});

describe("malformed files", () => {
  const valid = writeSafetensors([
    ["a", { shape: [2], data: Float32Array.from([1, 2]) }],
    ["b", { shape: [1], data: Float32Array.from([3]) }],
  ]);
  const f32 = (begin: number, end: number, shape: unknown = [(end - begin) / 4]) => ({
    dtype: "F32",
    shape,
    data_offsets: [begin, end],
  });
  const withLength = (length: bigint, rest: Uint8Array) => {
    const out = new Uint8Array(8 + rest.length);
    new DataView(out.buffer).setBigUint64(0, length, true);
    out.set(rest, 8);
    return out;
  };

  const cases: [string, () => Uint8Array, RegExp][] = [
    [
      "file shorter than 8 bytes",
      () => valid.subarray(0, 5),
      /file is 5 bytes, too short for the 8-byte header/,
    ],
    ["empty file", () => new Uint8Array(0), /file is 0 bytes/],
    [
      "header length over 100 MB",
      () => withLength(200_000_000n, new Uint8Array(16)),
      /header length 200000000 exceeds the limit of 100000000 bytes/,
    ],
    [
      "header length near 2^64",
      () => withLength(0xffffffffffffffffn, new Uint8Array(16)),
      /header length 18446744073709551615 exceeds the limit/,
    ],
    [
      "header length beyond the file",
      () => withLength(64n, new TextEncoder().encode("{}")),
      /header length 64 exceeds the 2 bytes after the length prefix/,
    ],
    [
      "file truncated inside the header",
      () => valid.subarray(0, 20),
      /header length \d+ exceeds the 12 bytes/,
    ],
    [
      "file truncated inside the data",
      () => valid.subarray(0, valid.length - 2),
      /tensor "b": data_offsets \[8, 12\] extend past the data section \(10 bytes\)/,
    ],
    ["header that is not JSON", () => file('{"a": {"dtype": "F32",'), /header is not valid JSON/],
    ["header starting with [", () => file("[1, 2]"), /header must start with "\{", found "\[1, 2\]"/],
    ["header that is a number", () => file("42"), /header must start with "\{", found "42"/],
    [
      "header with leading space",
      () => file(' {"__metadata__": {}}'),
      /header must start with "\{", found " \{/,
    ],
    ["empty header", () => file(""), /header must start with "\{", found ""/],
    [
      "metadata not an object",
      () => file({ __metadata__: ["pt"] }),
      /__metadata__ must be an object of strings, got \["pt"\]/,
    ],
    [
      "metadata with a non-string value",
      () => file({ __metadata__: { format: "pt", epoch: 3 } }),
      /__metadata__ must be an object of strings; "epoch" is 3/,
    ],
    ["entry not an object", () => file({ a: [1, 2] }), /tensor "a": entry must be an object, got \[1,2\]/],
    [
      "missing dtype",
      () => file({ a: { shape: [1], data_offsets: [0, 4] } }, 4),
      /tensor "a": dtype is missing/,
    ],
    [
      "dtype not a string",
      () => file({ a: { dtype: 4, shape: [1], data_offsets: [0, 4] } }, 4),
      /tensor "a": dtype must be a string, got 4/,
    ],
    [
      "unknown dtype",
      () => file({ a: { dtype: "F33", shape: [1], data_offsets: [0, 4] } }, 4),
      /tensor "a": unknown dtype "F33"/,
    ],
    [
      "unsupported dtype I32",
      () => file({ ids: { dtype: "I32", shape: [1], data_offsets: [0, 4] } }, 4),
      /tensor "ids": unsupported dtype I32 \(F32, F16 and BF16 are read, I64 is skipped\)/,
    ],
    [
      "unsupported dtype BOOL",
      () => file({ mask: { dtype: "BOOL", shape: [4], data_offsets: [0, 4] } }, 4),
      /tensor "mask": unsupported dtype BOOL/,
    ],
    [
      "missing shape",
      () => file({ a: { dtype: "F32", data_offsets: [0, 4] } }, 4),
      /tensor "a": shape is missing/,
    ],
    ["shape not an array", () => file({ a: f32(0, 4, 1) }, 4), /tensor "a": shape must be an array, got 1/],
    [
      "shape with a string dimension",
      () => file({ a: f32(0, 4, ["1"]) }, 4),
      /tensor "a": shape \["1"\] has non-number dimension/,
    ],
    [
      "negative dimension",
      () => file({ a: f32(0, 4, [-1, -1]) }, 4),
      /tensor "a": shape \[-1,-1\] has negative dimension -1/,
    ],
    [
      "fractional dimension",
      () => file({ a: f32(0, 4, [0.5, 2]) }, 4),
      /tensor "a": shape \[0.5,2\] has non-integer dimension 0.5/,
    ],
    [
      "missing data_offsets",
      () => file({ a: { dtype: "F32", shape: [1] } }, 4),
      /tensor "a": data_offsets is missing/,
    ],
    [
      "data_offsets of the wrong length",
      () => file({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4, 8] } }, 4),
      /tensor "a": data_offsets must be \[begin, end\], got \[0,4,8\]/,
    ],
    [
      "data_offsets not an array",
      () => file({ a: { dtype: "F32", shape: [1], data_offsets: "0-4" } }, 4),
      /tensor "a": data_offsets must be \[begin, end\], got "0-4"/,
    ],
    [
      "negative data offset",
      () => file({ a: { dtype: "F32", shape: [1], data_offsets: [-4, 0] } }, 4),
      /tensor "a": data_offsets \[-4,0\] must be non-negative integers/,
    ],
    [
      "fractional data offset",
      () => file({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4.5] } }, 4),
      /tensor "a": data_offsets \[0,4.5\] must be non-negative integers/,
    ],
    [
      "offsets reversed",
      () => file({ a: { dtype: "F32", shape: [1], data_offsets: [4, 0] } }, 4),
      /tensor "a": data_offsets \[4,0\] begin is after end/,
    ],
    [
      "offsets out of range",
      () => file({ a: f32(0, 4), b: f32(4, 12) }, 8),
      /tensor "b": data_offsets \[4, 12\] extend past the data section \(8 bytes\)/,
    ],
    [
      "byte size not matching the shape",
      () => file({ a: f32(0, 8, [3]) }, 8),
      /tensor "a": shape \[3\] of F32 needs 12 bytes, but data_offsets \[0, 8\] hold 8/,
    ],
    [
      "F16 byte size not matching the shape",
      () => file({ h: { dtype: "F16", shape: [2, 2], data_offsets: [0, 4] } }, 4),
      /tensor "h": shape \[2,2\] of F16 needs 8 bytes, but data_offsets \[0, 4\] hold 4/,
    ],
    [
      "overlapping tensors",
      () => file({ a: f32(0, 8), b: f32(4, 12) }, 12),
      /tensors "a" \[0, 8\] and "b" \[4, 12\] overlap/,
    ],
    [
      "two tensors at the same bytes",
      () => file({ a: f32(0, 4), b: f32(0, 4) }, 4),
      /tensors "a" \[0, 4\] and "b" \[0, 4\] overlap/,
    ],
    [
      "gap between tensors",
      () => file({ a: f32(0, 4), b: f32(8, 12) }, 12),
      /gap of 4 bytes after tensor "a" \(ends at 4\) before tensor "b" \(starts at 8\)/,
    ],
    [
      "gap at the start of the data section",
      () => file({ b: f32(4, 8) }, 8),
      /gap of 4 bytes at the start before tensor "b" \(starts at 4\)/,
    ],
    [
      "unused bytes after the last tensor",
      () => file({ a: f32(0, 4), b: f32(4, 8) }, 12),
      /data section has 4 unused bytes after tensor "b" \(ends at 8\); it is 12 bytes long/,
    ],
    [
      "data but no tensors",
      () => file({ __metadata__: { format: "pt" } }, 3),
      /data section has 3 unused bytes \(no tensors\); it is 3 bytes long/,
    ],
  ];

  it.each(cases)("%s", (_label, build, message) => {
    const error = readError(build());
    expect(error.message).toMatch(/^safetensors: /);
    expect(error.message).toMatch(message);
  });

  it("rejects a header that is not UTF-8", () => {
    const bytes = file("{}  ");
    bytes[9] = 0xff;
    expect(readError(bytes).message).toBe("safetensors: header is not valid UTF-8");
  });

  it("accepts the valid file the cases are built around, and an empty one", () => {
    expect([...readSafetensors(valid).tensors.keys()]).toEqual(["a", "b"]);
    expect(readSafetensors(file("{}  ")).tensors.size).toBe(0);
  });
});
