import { existsSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

export type NodeBackend = "wasm" | "cpu" | "webgpu";
export const NODE_BACKENDS: readonly NodeBackend[] = ["wasm", "cpu", "webgpu"];

/** No Vulkan loader (libvulkan.so.1): Dawn can reach no driver at all (CI, this machine). */
export const NO_VULKAN_LOADER =
  "no WebGPU adapter in Node: there is no Vulkan loader (libvulkan.so.1), so Dawn can reach no GPU driver; use --backend wasm";
/** A loader, but no driver Dawn accepts (none installed, or one it rejects, such as Mesa 22's lavapipe). */
export const NO_USABLE_DRIVER =
  "no WebGPU adapter in Node: Dawn found no Vulkan driver it can use (its warnings above say why); use --backend wasm";

/** The backend name of a CLI option, checked (default wasm). */
export function nodeBackendName(name: string | undefined): NodeBackend {
  const backend = (name ?? "wasm") as NodeBackend;
  if (!NODE_BACKENDS.includes(backend))
    throw new Error(`unknown backend "${name}" (use wasm, cpu or webgpu)`);
  return backend;
}

/**
 * Node runs the same core on tfjs wasm (default; ~10x faster than cpu here), cpu, or WebGPU
 * through Dawn (the `webgpu` package) where a Vulkan GPU driver exists. Dawn is loaded only
 * for webgpu.
 */
export async function selectNodeBackend(name: string | undefined): Promise<NodeBackend> {
  const backend = nodeBackendName(name);
  if (backend === "webgpu") await installNodeWebgpu();
  if (!(await tf.setBackend(backend))) throw new Error(`the ${backend} backend could not start`);
  await tf.ready();
  return backend;
}

const LIBRARY_DIRS = [
  "/usr/lib/x86_64-linux-gnu",
  "/usr/lib/aarch64-linux-gnu",
  "/usr/lib64",
  "/usr/lib",
  "/lib",
];

/**
 * Whether the Vulkan loader Dawn opens is installed. Without it Dawn can find no adapter, and
 * asking it only adds Dawn's own multi-line warning to the output.
 */
export function vulkanLoaderPresent(env: NodeJS.ProcessEnv = process.env): boolean {
  const dirs = [...(env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean), ...LIBRARY_DIRS];
  return dirs.some((dir) => existsSync(join(dir, "libvulkan.so.1")));
}

/** Dawn's GPU object for Node (Vulkan), with WebGPU's globals installed; null if the package cannot load. */
export async function createNodeGpu(): Promise<GPU | null> {
  let dawn: typeof import("webgpu");
  try {
    dawn = await import("webgpu");
  } catch {
    return null;
  }
  Object.assign(globalThis, dawn.globals);
  return dawn.create(["backend=vulkan"]) as unknown as GPU;
}

/** Dawn's adapter in Node, or null where it finds none (no GPU driver, as on CI). */
export async function requestNodeAdapter(): Promise<GPUAdapter | null> {
  const gpu = await createNodeGpu();
  return gpu ? gpu.requestAdapter() : null;
}

/** navigator.gpu from Dawn, then the tfjs WebGPU backend; one-line error where there is no adapter. */
async function installNodeWebgpu(): Promise<void> {
  if (!vulkanLoaderPresent()) throw new Error(NO_VULKAN_LOADER);
  const gpu = await createNodeGpu();
  if (!gpu || !(await gpu.requestAdapter())) throw new Error(NO_USABLE_DRIVER);
  // Node 21+ defines a read-only navigator: redefine it with Dawn's gpu.
  Object.defineProperty(globalThis, "navigator", { value: { gpu }, configurable: true, writable: true });
  await import("@tensorflow/tfjs-backend-webgpu");
}
