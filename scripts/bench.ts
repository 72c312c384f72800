/**
 * Training-step benchmark: ms per CE-CLIP step (B images, B captions, 4B negatives; forward,
 * gradients, AdamW), kernels per step, analytic FLOPs and GFLOP/s, for the default model and a
 * ~2M-parameter CLIP, on wasm and cpu in Node, wasm in a Chromium worker, WebGPU in headless
 * Chromium and WebGPU in Node (Dawn). Paired backends run the fast and the straightforward
 * path in alternation (the ratio); the same step in PyTorch (scale/cli.py bench-step) runs in
 * the same call when /usr/bin/python3 (or $HARDNEG_PYTHON) has torch. Prints a markdown table
 * and writes bench/results.json.
 *
 *   npm run bench [-- --steps 20] [--warmup 3] [--full] [--build]
 *                 [--backends wasm,wasm-worker,cpu,webgpu,node-webgpu] [--models default,small,fixture]
 *                 [--batches 16,64] [--worker-threads n] [--no-torch] [--out bench/results.json]
 *   npm run bench -- --gpu-report <results.json>   (prints the table of a run made elsewhere)
 *   npm run bench -- --load [--eval-images 512] [--probe-repeats 20] [--memory-steps 1000]
 *                 [--train-seconds 20] [--chart-points 100000] [--no-browser] [--rebuild]
 *                 [--load-dir /tmp/perf-dist] [--load-port 4195] [--load-out bench/load-results.json]
 *
 * --load runs only the "load" section (scripts/bench/load.ts): evaluation throughput, probe
 * latency, memory after many steps, main-thread long tasks while training, chart at 100k points.
 *
 * No GPU here: WebGPU is SwiftShader, so by default it runs only the fixture model with
 * fewer steps (--full runs every case with the full step counts).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { NEGATIVE_TYPES } from "../src/core/data/shapesWorld/negatives.js";
import type { StepBenchResult, StepBenchSpec } from "../src/core/train/benchStep.js";
import { runLoadSection } from "./bench/load.js";
import { loadTable } from "./bench/loadStats.js";
import { type BenchModel, benchEnvironment, defaultModel, fixtureModel, smallModel } from "./bench/models.js";
import { runNodeCase } from "./bench/nodeRunner.js";
import {
  BENCH_BACKENDS,
  BENCH_BATCHES,
  type BenchBackend,
  type BenchCase,
  PAIRED_BACKENDS,
  planCases,
} from "./bench/plan.js";
import { runTorchStep, type TorchStep, torchAvailable } from "./bench/pytorch.js";
import { type BenchRow, markdownTable } from "./bench/report.js";
import { specOf, toRow } from "./bench/rows.js";
import { type ChromiumSession, ensureBuild, openChromiumSession } from "./bench/webgpu.js";

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "20" },
    warmup: { type: "string", default: "3" },
    full: { type: "boolean", default: false },
    build: { type: "boolean", default: false },
    backends: { type: "string", default: BENCH_BACKENDS.join(",") },
    models: { type: "string", default: "default,small" },
    batches: { type: "string", default: BENCH_BATCHES.join(",") },
    out: { type: "string", default: "bench/results.json" },
    "gpu-report": { type: "string" },
    "worker-threads": { type: "string" },
    "no-torch": { type: "boolean", default: false },
    load: { type: "boolean", default: false },
    "eval-images": { type: "string", default: "512" },
    "probe-repeats": { type: "string", default: "20" },
    "memory-steps": { type: "string", default: "1000" },
    "load-batch": { type: "string", default: "8" },
    "train-seconds": { type: "string", default: "20" },
    "chart-points": { type: "string", default: "100000" },
    "no-browser": { type: "boolean", default: false },
    rebuild: { type: "boolean", default: false },
    "load-dir": { type: "string", default: "/tmp/perf-dist" },
    "load-port": { type: "string", default: "4195" },
    "load-out": { type: "string", default: "bench/load-results.json" },
  },
});

const log = (line: string) => process.stderr.write(`${line}\n`);

function positiveInt(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
  return n;
}

/** `--load`: the load section alone (scripts/bench/load.ts), its table on stdout. */
async function mainLoad() {
  const started = { date: new Date().toISOString(), loadAverage: loadavg().map((v) => Number(v.toFixed(2))) };
  log(`bench --load: load average ${started.loadAverage.join(", ")}`);
  const { rows, raw } = await runLoadSection({
    evalImages: positiveInt("eval-images", values["eval-images"], 1),
    probeRepeats: positiveInt("probe-repeats", values["probe-repeats"], 1),
    memorySteps: positiveInt("memory-steps", values["memory-steps"], 11),
    batchSize: positiveInt("load-batch", values["load-batch"], 1),
    trainSeconds: positiveInt("train-seconds", values["train-seconds"], 1),
    chartPoints: positiveInt("chart-points", values["chart-points"], 2),
    browser: !values["no-browser"],
    outDir: values["load-dir"],
    port: positiveInt("load-port", values["load-port"], 1),
    rebuild: values.rebuild,
    log,
  });
  const environment = {
    ...started,
    loadAverageAtEnd: loadavg().map((v) => Number(v.toFixed(2))),
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    tfjs: tf.version.tfjs,
  };
  mkdirSync(dirname(values["load-out"]), { recursive: true });
  writeFileSync(values["load-out"], `${JSON.stringify({ environment, rows, raw }, null, 2)}\n`);
  const lines = [
    `${environment.date}: Node ${environment.node}, tfjs ${environment.tfjs}, ${environment.cores} x ${environment.cpu}, load average (1/5/15 min) ${environment.loadAverage.join(", ")} at start, ${environment.loadAverageAtEnd.join(", ")} at end`,
    "",
    loadTable(rows),
    "",
    `wrote ${values["load-out"]}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

const round1 = (x: number) => Number(x.toFixed(1));

/** PyTorch's step for every (model, batch): threads = cores, and 1 thread too where cores > 1. */
function torchFor(
  model: BenchModel,
  batchSize: number,
  cores: number,
  textLength: number | undefined,
): { ms: number | null; detail: string; runs: TorchStep[] } {
  const runs: TorchStep[] = [];
  const errors: string[] = [];
  // One thread first: right after a run on every core, the same 1-thread step measured ~35 % slower here.
  for (const threads of cores > 1 ? [1, cores] : [1]) {
    try {
      runs.push(runTorchStep(model, { batchSize, steps: 10, warmup: 2, device: "cpu", threads, textLength }));
    } catch (e) {
      errors.push((e as Error).message.split("\n")[0]);
    }
  }
  if (runs.length === 0) return { ms: null, detail: `PyTorch failed: ${errors[0]}`, runs };
  const best = runs.reduce((a, b) => (a.medianMs <= b.medianMs ? a : b));
  const others = runs.filter((r) => r !== best).map((r) => `${r.threads} thr: ${Math.round(r.medianMs)}`);
  return { ms: round1(best.medianMs), detail: [`${best.threads} thr`, ...others].join("; "), runs };
}

/** `--gpu-report <file>`: the table of a results file made elsewhere (e.g. scripts/gpu/), nothing run. */
function gpuReport(path: string) {
  const file = JSON.parse(readFileSync(path, "utf8")) as {
    environment?: Record<string, unknown>;
    rows?: BenchRow[];
    pytorch?: TorchStep[];
  };
  if (!Array.isArray(file.rows)) throw new Error(`${path}: no "rows" array (not a bench results file)`);
  const env = file.environment ?? {};
  const torch = file.pytorch?.[0];
  const lines = [
    `Results from ${path}: ${env.date ?? "?"}, ${env.node ? `Node ${env.node}, ` : ""}tfjs ${env.tfjs ?? "?"}, ${env.cpu ?? "?"}`,
    ...(env.webgpu ? [`webgpu: ${JSON.stringify(env.webgpu)}`] : []),
    torch ? `PyTorch ${torch.torch} on ${torch.device} (${torch.blas})` : "no PyTorch",
    "",
    markdownTable(file.rows),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

async function main() {
  if (values["gpu-report"]) return gpuReport(values["gpu-report"]);
  if (values.load) return mainLoad();
  const timedSteps = positiveInt("steps", values.steps, 1);
  const warmupSteps = positiveInt("warmup", values.warmup, 0);
  const workerThreads = values["worker-threads"]
    ? positiveInt("worker-threads", values["worker-threads"], 1)
    : undefined;
  const backends = values.backends.split(",").filter(Boolean) as BenchBackend[];
  for (const b of backends)
    if (!BENCH_BACKENDS.includes(b)) throw new Error(`unknown backend "${b}" (${BENCH_BACKENDS.join(", ")})`);
  const builders = { default: defaultModel, fixture: fixtureModel, small: smallModel };
  const models = values.models.split(",").map((id) => {
    if (!(id in builders)) throw new Error(`unknown model "${id}" (default, fixture, small)`);
    return builders[id as keyof typeof builders]();
  });
  const batches = values.batches.split(",").map((b) => positiveInt("batches", b, 1));
  const cases = planCases(models, backends, { warmupSteps, timedSteps, full: values.full, batches });
  const environment = benchEnvironment(tf.version.tfjs);
  const torch = values["no-torch"] ? { missing: "--no-torch" } : torchAvailable();
  environment.pytorch = torch.version ?? `no PyTorch (${torch.missing})`;
  log(
    `bench: ${cases.filter((c) => !c.skip).length} cases, load average ${environment.loadAverage1m}, PyTorch: ${environment.pytorch}`,
  );
  const rows: BenchRow[] = [];
  const torchRuns: TorchStep[] = [];
  const torchByCase = new Map<string, { ms: number | null; detail: string }>();
  const torchKey = (c: BenchCase) => `${c.model.id}/${c.batchSize}`;
  /** PyTorch's step on rows of the length the tfjs case trimmed its texts to. */
  const measureTorch = (c: BenchCase, results: StepBenchResult[] | undefined) => {
    if (c.skip || !torch.version || torchByCase.has(torchKey(c))) return;
    const textLength = results?.[0]?.textLength;
    log(
      `  PyTorch ${c.model.id} B=${c.batchSize}, ${textLength ?? "full"} text columns (scale/cli.py bench-step)...`,
    );
    const t = torchFor(c.model, c.batchSize, cpus().length, textLength);
    torchRuns.push(...t.runs);
    log(`    ${t.ms ?? "-"} ms/step (${t.detail})`);
    torchByCase.set(torchKey(c), t);
  };
  const paths = (c: BenchCase): (boolean | undefined)[] =>
    PAIRED_BACKENDS.includes(c.backend) && c.straightforwardSteps ? [true, false] : [undefined];
  /** One measurement giving a row per path (paired backends: fast and straightforward, interleaved). */
  const runCase = async (c: BenchCase, run: (spec: StepBenchSpec) => Promise<StepBenchResult[]>) => {
    const ps = paths(c);
    if (c.skip) {
      for (const p of ps) rows.push(toRow(c, p));
      return undefined;
    }
    log(
      `  ${c.backend} ${c.model.id} B=${c.batchSize}: ${c.warmupSteps} warm-up + ${c.timedSteps} timed steps${c.straightforwardSteps ? ` (straightforward: ${c.straightforwardSteps})` : ""}...`,
    );
    try {
      const results = await run(specOf(c));
      ps.forEach((p, i) => {
        const row = toRow(c, p, results[i]);
        log(`    ${row.medianMs} ms/step, ${row.kernels} kernels, ${row.dispatches ?? "-"} dispatches`);
        rows.push(row);
      });
      return results;
    } catch (e) {
      const message = (e as Error).message.split("\n")[0];
      log(`    failed: ${message}`);
      for (const p of ps) rows.push(toRow(c, p, undefined, message));
      return undefined;
    }
  };

  const nodeBackend = { wasm: "wasm", cpu: "cpu", "node-webgpu": "webgpu" } as const;
  let nodeWebgpuError: string | undefined;
  for (const c of cases.filter((c) => c.backend in nodeBackend)) {
    if (c.backend === "node-webgpu" && nodeWebgpuError) {
      for (const p of paths(c)) rows.push(toRow(c, p, undefined, nodeWebgpuError));
      continue;
    }
    const results = await runCase(c, async (spec) => {
      try {
        const { results, wasm } = await runNodeCase(nodeBackend[c.backend as keyof typeof nodeBackend], spec);
        if (wasm) environment.wasm = wasm;
        return results;
      } catch (e) {
        // No adapter: one line for every node-webgpu row, asked once.
        if (c.backend === "node-webgpu")
          nodeWebgpuError = (e as Error).message.replace(/^.*?: (?=no WebGPU)/, "");
        throw new Error(nodeWebgpuError ?? (e as Error).message);
      }
    });
    if (c.backend === "wasm") measureTorch(c, results);
  }

  const browserCases = cases.filter((c) => c.backend === "webgpu" || c.backend === "wasm-worker");
  if (browserCases.some((c) => !c.skip)) {
    let session: ChromiumSession | undefined;
    let failure = "Chromium session did not start";
    try {
      ensureBuild(values.build, log);
      session = await openChromiumSession(browserCases.some((c) => c.backend === "webgpu" && !c.skip));
      environment.chromium = session.browserVersion;
      if (browserCases.some((c) => c.backend === "webgpu" && !c.skip))
        environment.webgpu = session.webgpuError
          ? { error: session.webgpuError }
          : { adapter: session.adapter };
      log(
        `Chromium ${session.browserVersion}${environment.webgpu ? `, WebGPU ${JSON.stringify(environment.webgpu)}` : ""}`,
      );
    } catch (e) {
      failure = (e as Error).message.split("\n")[0];
      log(`Chromium unavailable: ${failure}`);
    }
    for (const c of browserCases) {
      const results = await runCase(c, async (spec) => {
        if (!session) throw new Error(failure);
        if (c.backend === "webgpu") {
          if (session.webgpuError) throw new Error(session.webgpuError);
          return session.runWebgpuPair(spec);
        }
        const { results, detail } = await session.runWasmWorker(spec, workerThreads);
        environment.wasmWorker = detail;
        return results;
      });
      if (c.backend === "wasm-worker") measureTorch(c, results);
    }
    await session?.close();
  } else for (const c of browserCases) for (const p of paths(c)) rows.push(toRow(c, p));

  // PyTorch ran on the CPU here: compared with the CPU-bound backends, not with a real GPU's
  // node-webgpu (its PyTorch is CUDA's, in the GPU pack: scripts/gpu/pack-bench.sh).
  for (const r of rows) {
    const t = torchByCase.get(`${models.find((m) => m.label === r.model)?.id}/${r.batchSize}`);
    if (r.backend === "node-webgpu")
      Object.assign(r, { pytorchMs: null, pytorchDetail: "CUDA: scripts/gpu" });
    else if (!r.skipped)
      Object.assign(
        r,
        t
          ? { pytorchMs: t.ms, pytorchDetail: t.detail }
          : { pytorchMs: null, pytorchDetail: torch.version ? "-" : "no PyTorch" },
      );
  }
  const order = (r: BenchRow) => BENCH_BACKENDS.indexOf(r.backend);
  rows.sort((a, b) => order(a) - order(b));
  environment.loadAverage1mAtEnd = Number(loadavg()[0].toFixed(2));
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(
    values.out,
    `${JSON.stringify({ environment, settings: { timedSteps, warmupSteps, full: values.full }, rows, pytorch: torchRuns }, null, 2)}\n`,
  );

  const wasm = environment.wasm as { simd: boolean; threads: boolean } | undefined;
  const gpu = environment.webgpu as { adapter?: Record<string, unknown>; error?: string } | undefined;
  const blas = torchRuns[0]?.blas;
  const lines = [
    `Node ${environment.node}, tfjs ${environment.tfjs}, ${environment.cores} x ${environment.cpu}, load average ${environment.loadAverage1m} at start, ${environment.loadAverage1mAtEnd} at end`,
    ...(wasm ? [`wasm in Node: SIMD ${wasm.simd}, threads ${wasm.threads}`] : []),
    ...(environment.wasmWorker
      ? [`wasm in a Chromium ${environment.chromium} worker: ${environment.wasmWorker}`]
      : []),
    ...(gpu
      ? [
          gpu.error
            ? `webgpu: unavailable (${gpu.error})`
            : `webgpu: Chromium ${environment.chromium}, adapter ${JSON.stringify(gpu.adapter)}`,
        ]
      : []),
    ...(nodeWebgpuError ? [`node-webgpu: ${nodeWebgpuError}`] : []),
    torch.version
      ? `PyTorch ${torch.version} (scale/cli.py bench-step, CPU, 1 thread then ${cpus().length} threads, the faster is compared), BLAS: ${blas ?? "-"}`
      : `PyTorch: no PyTorch (${torch.missing})`,
    `One CE-CLIP step: B images, B captions, ${NEGATIVE_TYPES.length}B negatives; median of the timed steps; kernels from tf.profile of one more step (dispatches: the GPU programs it launched); FLOPs counted from the config (scripts/bench/flops.ts). Paired backends time the fast path (fused kernels on WebGPU; explicit-transpose products and host patchify on wasm) and the straightforward tfjs ops in alternation.`,
    "",
    markdownTable(rows),
    "",
    `wrote ${values.out}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${(e as Error).message.split("\n")[0]}\n`);
  process.exitCode = 1;
});
