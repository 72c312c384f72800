/**
 * The GPU machine's half of `npm run bench`, for a machine without Node.js: bundled with
 * Node and Dawn by scripts/gpu/pack-bench.sh. Times the default model's CE-CLIP step on
 * Node's WebGPU (Dawn, Vulkan driver), on the fused kernels and on the straightforward ops
 * in alternation, at each batch; then the same step in PyTorch on CUDA (scale/cli.py
 * bench-step) when python3 has torch with CUDA. Writes a results file in bench.ts's format;
 * `npm run bench -- --gpu-report <file>` prints its table anywhere.
 *
 *   bash run.sh [--model shapes-clip] [--batches 16,64] [--steps 20] [--warmup 3]
 *               [--straightforward-steps 5] [--out results.json] [--no-torch]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { selectNodeBackend } from "../../src/cli/backend.js";
import { benchPaths } from "../../src/core/train/benchStep.js";
import { benchEnvironment, defaultModel } from "./models.js";
import type { BenchCase } from "./plan.js";
import { runTorchStep, type TorchStep, torchAvailable } from "./pytorch.js";
import { type BenchRow, markdownTable } from "./report.js";
import { specOf, toRow } from "./rows.js";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "shapes-clip" },
    batches: { type: "string", default: "16,64" },
    steps: { type: "string", default: "20" },
    warmup: { type: "string", default: "3" },
    "straightforward-steps": { type: "string", default: "5" },
    out: { type: "string", default: "results.json" },
    "no-torch": { type: "boolean", default: false },
  },
});
// The GPU machine's own python3 (CUDA torch), unless HARDNEG_PYTHON names another.
process.env.HARDNEG_PYTHON ??= "python3";
const log = (line: string) => process.stderr.write(`${line}\n`);
const int = (text: string) => Number.parseInt(text, 10);

const model = defaultModel(values.model);

const environment = benchEnvironment(tf.version.tfjs);
const rows: BenchRow[] = [];
const pytorch: TorchStep[] = [];
const cases: BenchCase[] = values.batches.split(",").map((b) => ({
  model,
  backend: "node-webgpu",
  batchSize: int(b),
  warmupSteps: int(values.warmup),
  timedSteps: int(values.steps),
  straightforwardSteps: int(values["straightforward-steps"]),
}));

let gpuError: string | undefined;
try {
  await selectNodeBackend("webgpu");
  const adapter = await (globalThis.navigator as Navigator).gpu.requestAdapter();
  environment.webgpu = { node: "Dawn (webgpu package)", adapter: adapter?.info };
} catch (e) {
  gpuError = (e as Error).message;
  environment.webgpu = { error: gpuError };
}
log(`node-webgpu: ${JSON.stringify(environment.webgpu)}`);
const torch = values["no-torch"] ? { missing: "--no-torch" } : torchAvailable();
for (const c of cases) {
  log(`  node-webgpu B=${c.batchSize}...`);
  let textLength: number | undefined;
  try {
    if (gpuError) throw new Error(gpuError);
    const [fast, plain] = await benchPaths(specOf(c));
    textLength = fast.textLength;
    rows.push(toRow(c, true, fast), toRow(c, false, plain));
  } catch (e) {
    const message = (e as Error).message.split("\n")[0];
    rows.push(toRow(c, true, undefined, message), toRow(c, false, undefined, message));
  }
  let torchMs: number | null = null;
  let torchDetail = torch.version ? "-" : `no PyTorch (${torch.missing})`;
  if (torch.version) {
    try {
      const t = runTorchStep(model, {
        batchSize: c.batchSize,
        steps: 20,
        warmup: 3,
        device: "cuda",
        textLength,
      });
      pytorch.push(t);
      torchMs = t.medianMs;
      torchDetail = `${t.device}`;
    } catch (e) {
      torchDetail = `PyTorch failed: ${(e as Error).message.split("\n")[0]}`;
    }
  }
  for (const r of rows.slice(-2)) Object.assign(r, { pytorchMs: torchMs, pytorchDetail: torchDetail });
}
writeFileSync(values.out, `${JSON.stringify({ environment, rows, pytorch }, null, 2)}\n`);
process.stdout.write(`${markdownTable(rows)}\n\nwrote ${values.out}\n`);
