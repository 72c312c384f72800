/**
 * The Chromium part of the "load" section of `npm run bench`: serves a preview build of the
 * app on its own port and measures, through Playwright,
 *   - main-thread long tasks while the app trains (PerformanceObserver("longtask") plus a
 *     Chromium trace for their CPU time: e2e/mainThread.ts),
 *   - the loss chart at 100k points (loadChartPage.tsx, bundled here with esbuild).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "@playwright/test";
import { build } from "esbuild";
import { type MainThreadReport, observeLongTasks, traceMainThread } from "../../e2e/mainThread.js";
import { launchChromium, startPreview, stopServer } from "./browser.js";

export interface BrowserLoadOptions {
  outDir: string;
  port: number;
  /** Rebuild the app into outDir even when it exists. */
  rebuild: boolean;
  trainSeconds: number;
  batchSize: number;
  chartPoints: number;
  log: (line: string) => void;
}

export interface TrainingLongTasks extends MainThreadReport {
  seconds: number;
  batchSize: number;
  stepsDone: number;
  backend: string;
}

export interface ChartTiming {
  points: number;
  rows: number;
  smoothing: number;
  downsampleMs: number[];
  syncRenderMs: number[];
  renderMs: number[];
}

const runStep = async (page: Page) => Number(await page.getByTestId("run-step").textContent());

async function longTasksWhileTraining(page: Page, base: string, o: BrowserLoadOptions) {
  await observeLongTasks(page);
  // backend=wasm skips the backend measurement; no evaluation or checkpoint during the window.
  await page.goto(
    `${base}/?batchSize=${o.batchSize}&steps=100000&evalEvery=0&checkpointEvery=0&backend=wasm`,
  );
  await page.getByTestId("model-summary").filter({ hasText: "parameters" }).waitFor({ timeout: 120_000 });
  let stepsAtStart = 0;
  const report = await traceMainThread(page, async () => {
    await page.getByRole("button", { name: "Start", exact: true }).click();
    await page.getByTestId("run-status").filter({ hasText: "running" }).waitFor({ timeout: 60_000 });
    stepsAtStart = await runStep(page);
    await page.waitForTimeout(o.trainSeconds * 1000);
  });
  const stepsDone = (await runStep(page)) - stepsAtStart;
  const backend = (await page.getByTestId("backend-name").textContent()) ?? "?";
  await page.getByRole("button", { name: "Pause" }).click();
  return { ...report, seconds: o.trainSeconds, batchSize: o.batchSize, stepsDone, backend };
}

async function chartTiming(page: Page, points: number): Promise<ChartTiming> {
  const bundle = await build({
    entryPoints: [join(import.meta.dirname, "loadChartPage.tsx")],
    bundle: true,
    write: false,
    format: "iife",
    minify: true,
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  });
  await page.setContent("<!doctype html><html><body></body></html>");
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
  await page.waitForSelector("body[data-ready=true]", { state: "attached" });
  return page.evaluate(
    (n) =>
      (window as unknown as { loadChartBench(n: number, r: number): Promise<ChartTiming> }).loadChartBench(
        n,
        5,
      ),
    points,
  );
}

export async function measureInBrowser(o: BrowserLoadOptions): Promise<{
  browserVersion: string;
  training?: TrainingLongTasks;
  trainingError?: string;
  chart?: ChartTiming;
  chartError?: string;
}> {
  if (o.rebuild || !existsSync(join(o.outDir, "index.html"))) {
    o.log(`  building the app into ${o.outDir}...`);
    const result = spawnSync("npx", ["vite", "build", "--outDir", o.outDir, "--emptyOutDir"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    if (result.status !== 0) throw new Error(`vite build failed with exit code ${result.status}`);
  }
  const server = await startPreview(o.port, o.outDir);
  const base = `http://localhost:${o.port}`;
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const out: Awaited<ReturnType<typeof measureInBrowser>> = { browserVersion: browser.version() };
    o.log(`  long tasks: training B=${o.batchSize} on wasm in the app for ${o.trainSeconds} s...`);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      out.training = await longTasksWhileTraining(page, base, o);
      await page.close();
    } catch (e) {
      out.trainingError = (e as Error).message.split("\n")[0];
    }
    o.log(`  chart: LossChart with ${o.chartPoints.toLocaleString("en-US")} points...`);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      out.chart = await chartTiming(page, o.chartPoints);
      await page.close();
    } catch (e) {
      out.chartError = (e as Error).message.split("\n")[0];
    }
    return out;
  } finally {
    await browser?.close();
    stopServer(server);
  }
}
