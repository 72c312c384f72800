import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  NO_USABLE_DRIVER,
  NO_VULKAN_LOADER,
  nodeBackendName,
  requestNodeAdapter,
  selectNodeBackend,
  vulkanLoaderPresent,
} from "./backend.js";

describe("Node backends", () => {
  it("names: wasm by default, cpu and webgpu on request, anything else refused", () => {
    expect(nodeBackendName(undefined)).toBe("wasm");
    expect(nodeBackendName("cpu")).toBe("cpu");
    expect(nodeBackendName("webgpu")).toBe("webgpu");
    expect(() => nodeBackendName("webgl")).toThrow('unknown backend "webgl" (use wasm, cpu or webgpu)');
  });

  it("the Vulkan loader is looked up in LD_LIBRARY_PATH too", () => {
    expect(vulkanLoaderPresent({ LD_LIBRARY_PATH: "/nonexistent" })).toBe(vulkanLoaderPresent({}));
  });

  // This machine (like CI) has no GPU driver: Dawn really answers with no adapter.
  it.runIf(!vulkanLoaderPresent())(
    "Dawn finds no adapter here, and webgpu stops with one clear line",
    async () => {
      expect(await requestNodeAdapter()).toBeNull();
      const started = Date.now();
      await expect(selectNodeBackend("webgpu")).rejects.toThrow(NO_VULKAN_LOADER);
      expect(Date.now() - started).toBeLessThan(5000);
    },
  );

  /** `cli eval --backend webgpu` on the built-in model, in a child process. */
  const evalOnWebgpu = (env: NodeJS.ProcessEnv = process.env) =>
    spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/main.ts",
        "eval",
        "--model",
        "public/models/shapes-clip",
        "--n",
        "4",
        "--backend",
        "webgpu",
      ],
      { encoding: "utf8", timeout: 60_000, env },
    );

  it.runIf(!vulkanLoaderPresent())(
    "the CLI prints that line alone and exits non-zero, without a stack trace",
    () => {
      const run = evalOnWebgpu();
      expect(run.status).not.toBe(0);
      expect(run.stderr.trim()).toBe(`error: ${NO_VULKAN_LOADER}`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    },
    60_000,
  );

  // A loader Dawn cannot use (here a file that is no library) must not be reported as "no
  // loader": the message points at Dawn's own warnings, which say what it rejected.
  it.runIf(!vulkanLoaderPresent())(
    "with a loader but no usable driver, the CLI says so and exits non-zero",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "vulkan-"));
      try {
        writeFileSync(join(dir, "libvulkan.so.1"), "not a library");
        const run = evalOnWebgpu({ ...process.env, LD_LIBRARY_PATH: dir });
        expect(run.status).not.toBe(0);
        expect(run.stderr.trim().split("\n").at(-1)).toBe(`error: ${NO_USABLE_DRIVER}`);
        expect(run.stderr).not.toMatch(/\n\s+at \S+ \(.*\.ts:/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
