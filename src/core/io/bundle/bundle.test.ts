import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bundleCommand } from "../../../cli/commands/bundle.js";
import { readFolder, TINY_CLIP_DIR } from "../../clip/testing.js";
import { shapesExampleSource } from "../../data/shapesWorld/source.js";
import { parseTrainConfig } from "../../train/config.js";
import { metricsToCsv } from "../../train/metricsCsv.js";
import { decodePng } from "../png.js";
import { readRunBundle, runBundleFilesFromZip } from "./reader.js";
import { readRunResult } from "./result.js";
import { PAIRS_FILE, runBundleJsonSchema } from "./schema.js";
import { type RunBundleInput, writeRunBundle } from "./writer.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const SCHEMA_FILE = join(import.meta.dirname, "../../../../scale/hardneg_scale/run_bundle.schema.json");

const input = (overrides: Partial<RunBundleInput> = {}): RunBundleInput => ({
  modelFiles: readFolder(TINY_CLIP_DIR),
  source: shapesExampleSource({ split: "train", seed: 1, size: 6, imageSize: 32 }),
  dataName: "shapes-train",
  config: parseTrainConfig({ objective: "ceclip", steps: 20, batchSize: 4, seed: 3 }),
  createdAt: new Date("2026-01-02T03:04:05Z"),
  ...overrides,
});

/** A written bundle with one file changed. */
async function edited(edit: (files: Map<string, Uint8Array>) => void): Promise<Map<string, Uint8Array>> {
  const files = await writeRunBundle(input());
  edit(files);
  return files;
}

function editJson(
  files: Map<string, Uint8Array>,
  name: string,
  change: (value: Record<string, unknown>) => void,
) {
  const value = JSON.parse(decoder.decode(files.get(name)));
  change(value);
  files.set(name, encoder.encode(JSON.stringify(value)));
}

function editPairLine(
  files: Map<string, Uint8Array>,
  line: number,
  change: (pair: Record<string, unknown>) => void,
) {
  const lines = decoder.decode(files.get(PAIRS_FILE)).trim().split("\n");
  const pair = JSON.parse(lines[line - 1]);
  change(pair);
  lines[line - 1] = JSON.stringify(pair);
  files.set(PAIRS_FILE, encoder.encode(lines.join("\n")));
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("run bundle schema", () => {
  it("scale/ validates against exactly the zod schemas (regenerate: npm run cli -- bundle --print-schema)", () => {
    const committed = JSON.parse(readFileSync(SCHEMA_FILE, "utf8"));
    expect(committed).toEqual(runBundleJsonSchema());
  });
});

describe("writeRunBundle -> readRunBundle", () => {
  it("round-trips the model, every example and the settings", async () => {
    const files = await writeRunBundle(input());
    const bundle = readRunBundle(files);
    expect(bundle.run).toMatchObject({
      format: "hardneg-run-bundle",
      version: 1,
      createdAt: "2026-01-02T03:04:05.000Z",
      model: { path: "model", parameters: 162369 },
      data: { name: "shapes-train", size: 6, numNegativeTypes: 4, pairs: "data/pairs.jsonl" },
      train: { objective: "ceclip", steps: 20, batchSize: 4, seed: 3, objectiveOptions: { upperBound: 10 } },
      objectiveState: { thresholds: [0, 0, 0, 0] }, // CE-CLIP's initial state, written out
    });
    expect(bundle.modelFiles.get("model.safetensors")).toEqual(
      readFolder(TINY_CLIP_DIR).get("model.safetensors"),
    );
    expect([...bundle.modelFiles.keys()].sort()).toEqual(
      [
        "config.json",
        "merges.txt",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "vocab.json",
      ].sort(),
    );
    const original = input().source;
    for (let i = 0; i < original.size; i++) {
      const [a, b] = [original.get(i), bundle.source.get(i)];
      expect(b.caption).toBe(a.caption);
      expect(b.negatives).toEqual(a.negatives);
      expect(b.negativeMask).toEqual(a.negativeMask);
      expect(b.image.data).toEqual(decodePng(files.get(bundle.pairs[i].image)!).data);
      expect(Array.from(b.image.data)).toEqual(Array.from(a.image.data));
    }
    const readme = decoder.decode(files.get("README.md"));
    expect(readme).toContain("torchrun --nproc_per_node 8 scale/cli.py train --bundle");
    expect(readme).toContain("--rdzv-endpoint");
  });

  it("carries a given objective state and refuses what scale/ cannot train", async () => {
    const carried = await writeRunBundle(input({ objectiveState: { thresholds: [1, 2, 3, 4] } }));
    expect(readRunBundle(carried).run.objectiveState).toEqual({ thresholds: [1, 2, 3, 4] });
    await expect(writeRunBundle(input({ objectiveState: { thresholds: [1] } }))).rejects.toThrow(
      "objective state: state.thresholds must be 4 finite numbers",
    );
    const augmented = parseTrainConfig({ objective: "ceclip+imageneg", batchSize: 4 });
    await expect(writeRunBundle(input({ config: augmented }))).rejects.toThrow(
      'objective "ceclip+imageneg" cannot be scaled out (scale/ implements clip, negclip, ceclip, fscclip, degla)',
    );
    const truncated = readFolder(TINY_CLIP_DIR);
    truncated.set("model.safetensors", truncated.get("model.safetensors")!.slice(0, -8));
    await expect(writeRunBundle(input({ modelFiles: truncated }))).rejects.toThrow(
      /^model\.safetensors: safetensors: tensor "[^"]+": data_offsets .* extend past the data section/,
    );
    const tooBig = parseTrainConfig({ objective: "clip", batchSize: 7 });
    await expect(writeRunBundle(input({ config: tooBig }))).rejects.toThrow(
      "batch size 7 exceeds the 6 examples",
    );
  });

  it("stops on a bad bundle with one line naming the file and field", async () => {
    const cases: [(files: Map<string, Uint8Array>) => void, string][] = [
      [
        (f) => editJson(f, "run.json", (r) => Object.assign(r, { version: 2 })),
        'run.json: field "version": bundle version 2 is not supported',
      ],
      [
        (f) => f.delete("data/images/000002.png"),
        'data/pairs.jsonl line 3: field "image": file data/images/000002.png not found',
      ],
      [
        (f) => editPairLine(f, 2, (p) => (p.negatives as string[]).pop()),
        'data/pairs.jsonl line 2: field "negatives": 3 entries, run.json says numNegativeTypes = 4',
      ],
      [
        (f) => editPairLine(f, 4, (p) => Object.assign(p, { valid: [1, 0, 2, 1] })),
        'data/pairs.jsonl line 4: field "valid.2"',
      ],
      [
        (f) => editJson(f, "run.json", (r) => Object.assign(r.train as object, { batchSize: 0 })),
        'run.json: field "train.batchSize"',
      ],
      [(f) => f.delete("model/model.safetensors"), "model/model.safetensors: file not found in the bundle"],
    ];
    for (const [edit, message] of cases) {
      const files = await edited(edit);
      expect(() => readRunBundle(files), message).toThrow(message);
    }
  });
});

describe("readRunResult", () => {
  it("reads a finished run's model, metrics and record; bad metrics name line and column", () => {
    const metrics = [
      {
        step: 0,
        epoch: 0,
        lr: 0.001,
        loss: 2.5,
        terms: { itc: 1.5 },
        gradNorm: 3,
        logitScale: 14.3,
        applied: true,
      },
    ];
    const files = readFolder(TINY_CLIP_DIR);
    files.set("metrics.csv", encoder.encode(metricsToCsv(metrics)));
    files.set(
      "run.json",
      encoder.encode(JSON.stringify({ stepsDone: 1, config: { objective: "clip", steps: 1 } })),
    );
    const result = readRunResult(files);
    expect(result.metrics).toEqual(metrics);
    expect(result.config).toMatchObject({ objective: "clip", steps: 1, batchSize: 64 });
    expect(result.record.stepsDone).toBe(1);
    expect([...result.modelFiles.keys()]).toContain("model.safetensors");
    files.set("metrics.csv", encoder.encode(metricsToCsv(metrics).replace("2.5", "x")));
    expect(() => readRunResult(files)).toThrow('metrics.csv line 2: column "loss": "x" is not a number');
    files.delete("metrics.csv");
    expect(() => readRunResult(files)).toThrow("metrics.csv: file not found in the run's output");
  });
});

describe("npm run cli -- bundle", () => {
  const work = mkdtempSync(join(tmpdir(), "hardneg-bundle-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("writes a zip that reads back as the requested run", async () => {
    const out = join(work, "run.zip");
    const printed: string[] = [];
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      const args = [
        "--model",
        TINY_CLIP_DIR,
        "--data",
        "shapes-train",
        "--data-size",
        "5",
        "--objective",
        "negclip",
      ];
      const code = await bundleCommand.run([...args, "--steps", "7", "--batch", "2", "--out", out]);
      expect(code).toBe(0);
    } finally {
      write.mockRestore();
    }
    expect(JSON.parse(printed.join(""))).toMatchObject({
      out,
      examples: 5,
      objective: "negclip",
      steps: 7,
      batchSize: 2,
    });
    const bundle = readRunBundle(runBundleFilesFromZip(new Uint8Array(readFileSync(out))));
    expect(bundle.run.train).toMatchObject({
      objective: "negclip",
      steps: 7,
      batchSize: 2,
      objectiveOptions: {},
    });
    expect(bundle.pairs).toHaveLength(5);
    await expect(bundleCommand.run(["--model", TINY_CLIP_DIR, "--out", work])).rejects.toThrow(
      "exists and is not empty",
    );
  });
});
