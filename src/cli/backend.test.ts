import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  NO_NODE_ADAPTER,
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
      await expect(selectNodeBackend("webgpu")).rejects.toThrow(NO_NODE_ADAPTER);
      expect(Date.now() - started).toBeLessThan(5000);
    },
  );

  it.runIf(!vulkanLoaderPresent())(
    "the CLI prints that line alone and exits non-zero, without a stack trace",
    () => {
      const run = spawnSync(
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
        { encoding: "utf8", timeout: 60_000 },
      );
      expect(run.status).not.toBe(0);
      expect(run.stderr.trim()).toBe(`error: ${NO_NODE_ADAPTER}`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    },
    60_000,
  );
});
