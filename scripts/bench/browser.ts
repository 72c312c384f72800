/** A vite preview server and headless Chromium with WebGPU, for the bench's browser cases. */
import { type ChildProcess, spawn } from "node:child_process";
import { type Browser, chromium } from "@playwright/test";

/** Starts `vite preview` (of `outDir`, default dist/) in its own process group and waits for it. */
export async function startPreview(port: number, outDir?: string): Promise<ChildProcess> {
  const args = [
    "vite",
    "preview",
    ...(outDir ? ["--outDir", outDir] : []),
    "--port",
    String(port),
    "--strictPort",
  ];
  const server = spawn("npx", args, { detached: true, stdio: "ignore" });
  const url = `http://localhost:${port}/`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`vite preview exited with code ${server.exitCode}`);
    try {
      if ((await fetch(url)).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  stopServer(server);
  throw new Error(`vite preview did not answer at ${url} within 60 s`);
}

/** Stops the preview server and its children (it runs in its own process group). */
export function stopServer(server: ChildProcess): void {
  if (server.pid === undefined || server.exitCode !== null) return;
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {
    server.kill("SIGTERM");
  }
}

/** Debian's Chromium (or CHROMIUM_PATH) headless, with its WebGPU adapter. */
export function launchChromium(): Promise<Browser> {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  return chromium.launch({
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
}
