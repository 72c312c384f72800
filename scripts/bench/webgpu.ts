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
const KERNELS_DIR = "src/core/clip/kernels";
/** Sources the built harness must be newer than, or it lacks the bench export or runs old kernels. */
const HARNESS_SOURCES = [
  "e2e/harness.ts",
  "e2e/kernelChecks.ts",
  "src/core/train/benchStep.ts",
  "src/core/train/trainer.ts",
  "src/core/train/adamw.ts",
  "src/core/clip/model.ts",
  "src/core/clip/ops.ts",
  ...(existsSync(KERNELS_DIR) ? readdirSync(KERNELS_DIR).map((f) => `${KERNELS_DIR}/${f}`) : []),
];

export interface WebgpuSession {
  adapter?: AdapterInfo;
  browserVersion: string;
  /**
   * The training step on the fused kernels and on the straightforward ops, timed in
   * alternation: [fused, straightforward].
   */
  runFusedPair(spec: StepBenchSpec): Promise<StepBenchResult[]>;
  close(): Promise<void>;
}

function harnessIsStale(): boolean {
  if (!existsSync(BUILT_HARNESS)) return true;
  const built = statSync(BUILT_HARNESS).mtimeMs;
  return HARNESS_SOURCES.some((path) => existsSync(path) && statSync(path).mtimeMs > built);
}

export function ensureBuild(force: boolean, log: (line: string) => void): void {
  if (!force && !harnessIsStale()) return;
  log("building dist/ with vite build (the harness page)...");
  const result = spawnSync("npx", ["vite", "build"], { stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error(`vite build failed with exit code ${result.status}`);
}

/** Serves dist/ with vite preview, opens the harness in headless Chromium on WebGPU. */
export async function openWebgpuSession(): Promise<WebgpuSession> {
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
      () => "kernelChecks" in (window as unknown as { harness: object }).harness,
    );
    if (!hasBench) throw new Error("the built harness has no kernelChecks export: run with --build");
    const report = await page.evaluate(async () => {
      const h = (window as unknown as { harness: Harness }).harness;
      return h.chooseBackend(["webgpu"]);
    });
    const opened = browser;
    const evaluate = async <T>(f: (spec: StepBenchSpec) => Promise<T>, spec: StepBenchSpec): Promise<T> => {
      try {
        return await page.evaluate(f, spec);
      } catch (e) {
        const detail = pageErrors.length > 0 ? ` (page: ${pageErrors.join("; ")})` : "";
        throw new Error(`${(e as Error).message.split("\n")[0]}${detail}`);
      }
    };
    return {
      adapter: report.adapter,
      browserVersion: opened.version(),
      runFusedPair: (spec) =>
        evaluate(
          (s) => (window as unknown as { harness: Harness }).harness.kernelChecks.interleavedFusedBench(s),
          spec,
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
