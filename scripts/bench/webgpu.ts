import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import type { Browser } from "@playwright/test";
import type { Harness } from "../../e2e/harness.js";
import type { StepBenchResult, StepBenchSpec } from "../../src/core/train/benchStep.js";
import type { AdapterInfo } from "../../src/worker/backend.js";
import { launchChromium, startPreview, stopServer } from "./browser.js";

const PORT = 4174;
const HARNESS_URL = `http://localhost:${PORT}/e2e/harness.html`;
const BUILT_HARNESS = "dist/e2e/harness.html";
const ASSETS = "dist/assets";
const KERNELS_DIR = "src/core/clip/kernels";
/** Sources the build must be newer than, or it lacks the bench exports or runs old code. */
const BUILD_SOURCES = [
  "e2e/harness.ts",
  "e2e/kernelChecks.ts",
  "src/core/train/benchStep.ts",
  "src/core/train/trainer.ts",
  "src/core/train/adamw.ts",
  "src/core/train/batches.ts",
  "src/core/clip/model.ts",
  "src/core/clip/ops.ts",
  "src/worker/benchWorker.ts",
  "src/worker/backend.ts",
  ...(existsSync(KERNELS_DIR)
    ? readdirSync(KERNELS_DIR, { recursive: true, encoding: "utf8" }).map((f) => `${KERNELS_DIR}/${f}`)
    : []),
];

/** Results of one Chromium case: [fast] or [fast, straightforward] (benchPaths). */
export interface WorkerCaseOutput {
  results: StepBenchResult[];
  /** How wasm ran in the worker, e.g. "SIMD, 1 thread (tfjs uses half of the 2 logical cores)". */
  detail?: string;
}

export interface ChromiumSession {
  browserVersion: string;
  /** The page's WebGPU adapter, or why there is none. */
  adapter?: AdapterInfo;
  webgpuError?: string;
  /** The step on the fused kernels and on the straightforward ops, on the page, in alternation. */
  runWebgpuPair(spec: StepBenchSpec): Promise<StepBenchResult[]>;
  /** The step on wasm in a fresh module worker of the app (src/worker/benchWorker.ts). */
  runWasmWorker(spec: StepBenchSpec, threads?: number): Promise<WorkerCaseOutput>;
  close(): Promise<void>;
}

function buildIsStale(): boolean {
  if (!existsSync(BUILT_HARNESS)) return true;
  const built = statSync(BUILT_HARNESS).mtimeMs;
  return BUILD_SOURCES.some((path) => existsSync(path) && statSync(path).mtimeMs > built);
}

export function ensureBuild(force: boolean, log: (line: string) => void): void {
  if (!force && !buildIsStale()) return;
  log("building dist/ with vite build (the harness page and the bench worker)...");
  const result = spawnSync("npx", ["vite", "build"], { stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error(`vite build failed with exit code ${result.status}`);
}

/** The built bench worker's URL path (dist/assets/benchWorker-<hash>.js, the newest). */
function benchWorkerPath(): string {
  const files = existsSync(ASSETS) ? readdirSync(ASSETS).filter((f) => /^benchWorker-.*\.js$/.test(f)) : [];
  if (files.length === 0) throw new Error(`no benchWorker-*.js in ${ASSETS}: run with --build`);
  const newest = files.sort(
    (a, b) => statSync(`${ASSETS}/${b}`).mtimeMs - statSync(`${ASSETS}/${a}`).mtimeMs,
  )[0];
  return `/assets/${newest}`;
}

/**
 * Runs in the page (as source text: the bundler's helpers do not exist there). Starts the
 * built bench worker and calls its benchStep through Comlink's wire format by hand (the page
 * has no Comlink): one APPLY message, one reply; the worker is terminated either way.
 */
const RUN_IN_WORKER = `function (url, spec, threads) {
  return new Promise(function (resolve, reject) {
    var worker = new Worker(url, { type: "module" });
    worker.onerror = function (e) { worker.terminate(); reject(new Error("bench worker: " + e.message)); };
    worker.onmessage = function (ev) {
      worker.terminate();
      var d = ev.data;
      if (d.type === "RAW") resolve(d.value);
      else reject(new Error((d.value && d.value.value && d.value.value.message) || "bench worker failed"));
    };
    worker.postMessage({
      id: "bench", type: "APPLY", path: ["benchStep"],
      argumentList: [{ type: "RAW", value: "wasm" }, { type: "RAW", value: spec }, { type: "RAW", value: threads || undefined }],
    });
  });
}`;

/**
 * Serves dist/ with vite preview (cross-origin isolated, so wasm may use threads) and opens
 * the harness page in headless Chromium; `webgpu`: also starts WebGPU on the page.
 */
export async function openChromiumSession(webgpu: boolean): Promise<ChromiumSession> {
  const workerPath = benchWorkerPath();
  const server = await startPreview(PORT);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(HARNESS_URL);
    await page.waitForSelector("body[data-ready=true]", { state: "attached", timeout: 60_000 });
    const hasBench = await page.evaluate(
      () => "benchPaths" in (window as unknown as { harness: Harness }).harness.bench,
    );
    if (!hasBench) throw new Error("the built harness has no bench.benchPaths: run with --build");
    let adapter: AdapterInfo | undefined;
    let webgpuError: string | undefined;
    if (webgpu) {
      try {
        const report = await page.evaluate(() =>
          (window as unknown as { harness: Harness }).harness.chooseBackend(["webgpu"]),
        );
        adapter = report.adapter;
      } catch (e) {
        webgpuError = (e as Error).message.split("\n")[0];
      }
    }
    const opened = browser;
    const withPageErrors = async <T>(run: () => Promise<T>): Promise<T> => {
      try {
        return await run();
      } catch (e) {
        const detail = pageErrors.length > 0 ? ` (page: ${pageErrors.join("; ")})` : "";
        throw new Error(`${(e as Error).message.split("\n")[0]}${detail}`);
      }
    };
    return {
      adapter,
      webgpuError,
      browserVersion: opened.version(),
      runWebgpuPair: (spec) =>
        withPageErrors(() =>
          page.evaluate((s) => (window as unknown as { harness: Harness }).harness.bench.benchPaths(s), spec),
        ),
      runWasmWorker: (spec, threads) =>
        withPageErrors(
          () =>
            page.evaluate(
              `(${RUN_IN_WORKER})(${JSON.stringify(workerPath)}, ${JSON.stringify(spec)}, ${threads ?? 0})`,
            ) as Promise<WorkerCaseOutput>,
        ),
      close: async () => {
        await opened.close();
        stopServer(server);
      },
    };
  } catch (e) {
    await browser?.close();
    stopServer(server);
    throw e;
  }
}
