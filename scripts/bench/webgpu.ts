import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { type Browser, chromium } from "@playwright/test";
import type { Harness } from "../../e2e/harness.js";
import type { StepBenchResult, StepBenchSpec } from "../../src/core/train/benchStep.js";
import type { AdapterInfo } from "../../src/worker/backend.js";

const PORT = 4174;
const HARNESS_URL = `http://localhost:${PORT}/e2e/harness.html`;
const BUILT_HARNESS = "dist/e2e/harness.html";
/** Sources the built harness must be newer than, or it lacks the bench export. */
const HARNESS_SOURCES = ["e2e/harness.ts", "src/core/train/benchStep.ts", "src/core/train/trainer.ts"];

export interface WebgpuSession {
  adapter?: AdapterInfo;
  browserVersion: string;
  run(spec: StepBenchSpec): Promise<StepBenchResult>;
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

async function waitForServer(url: string, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`vite preview exited with code ${server.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`vite preview did not answer at ${url} within ${timeoutMs / 1000} s`);
}

/** Stops the preview server and its children (it runs in its own process group). */
function stopServer(server: ChildProcess): void {
  if (server.pid === undefined || server.exitCode !== null) return;
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {
    server.kill("SIGTERM");
  }
}

/** Serves dist/ with vite preview, opens the harness in headless Chromium on WebGPU. */
export async function openWebgpuSession(): Promise<WebgpuSession> {
  const server = spawn("npx", ["vite", "preview", "--port", String(PORT), "--strictPort"], {
    detached: true,
    stdio: "ignore",
  });
  let browser: Browser | undefined;
  try {
    await waitForServer(HARNESS_URL, server, 60_000);
    const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--enable-unsafe-webgpu",
        ...(isRoot ? ["--no-sandbox"] : []),
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(HARNESS_URL);
    await page.waitForSelector("body[data-ready=true]", { state: "attached", timeout: 60_000 });
    const hasBench = await page.evaluate(() => "bench" in (window as unknown as { harness: object }).harness);
    if (!hasBench) throw new Error("the built harness has no bench export: run with --build");
    const report = await page.evaluate(async () => {
      const h = (window as unknown as { harness: Harness }).harness;
      return h.chooseBackend(["webgpu"]);
    });
    const opened = browser;
    return {
      adapter: report.adapter,
      browserVersion: opened.version(),
      run: async (spec) => {
        try {
          return await page.evaluate(
            (s) => (window as unknown as { harness: Harness }).harness.bench.benchTrainingStep(s),
            spec,
          );
        } catch (e) {
          const detail = pageErrors.length > 0 ? ` (page: ${pageErrors.join("; ")})` : "";
          throw new Error(`${(e as Error).message.split("\n")[0]}${detail}`);
        }
      },
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
