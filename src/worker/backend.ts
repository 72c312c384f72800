import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import { getThreadsCount, setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import wasmPlain from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url";
import wasmSimd from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url";
import wasmThreadedSimd from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url";

import { type BackendName, wasmThreadsWorthIt } from "./backendChoice.js";

export type { BackendName } from "./backendChoice.js";
export const BACKEND_ORDER: BackendName[] = ["webgpu", "wasm", "cpu"];

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for CPU-emulated adapters (SwiftShader): correct, but far slower than wasm. */
  isSoftware: boolean;
}

export interface BackendReport {
  backend: BackendName;
  adapter?: AdapterInfo;
  /** How wasm runs: "SIMD, 2 threads" (threads need a cross-origin isolated page). */
  detail?: string;
  /** Why each earlier backend in the order was not taken. */
  fallbacks: { backend: BackendName; reason: string }[];
}

setWasmPaths({
  "tfjs-backend-wasm.wasm": wasmPlain,
  "tfjs-backend-wasm-simd.wasm": wasmSimd,
  "tfjs-backend-wasm-threaded-simd.wasm": wasmThreadedSimd,
});

export async function describeAdapter(): Promise<AdapterInfo | undefined> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return undefined;
  const adapter = await gpu.requestAdapter();
  if (!adapter) return undefined;
  const info = adapter.info;
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isSoftware: /swiftshader|llvmpipe|lavapipe|software|microsoft basic/.test(text),
  };
}

/**
 * SIMD and threads of the started wasm backend. Threads need a cross-origin isolated page;
 * tfjs then takes half the logical cores (at most 8): one thread on a 2-core machine, so
 * setThreadsCount has nothing to add (it cannot go above that).
 */
async function describeWasm(): Promise<string> {
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const threads = getThreadsCount();
  const threaded = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  const threadText =
    threads > 1
      ? `${threads} threads`
      : isolated && !threaded
        ? `single-threaded build (tfjs would run 1 thread on the ${cores} logical cores)`
        : isolated
          ? `1 thread (tfjs uses half of the ${cores} logical cores)`
          : "1 thread (page not cross-origin isolated)";
  return `${simd ? "SIMD" : "no SIMD"}, ${threadText}`;
}

/** Why a backend cannot start here, checked before trying it. */
export async function unavailableReason(name: BackendName): Promise<string | undefined> {
  if (name === "webgpu") {
    const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
    if (!gpu) return "this browser exposes no navigator.gpu (WebGPU disabled or unsupported)";
    if (!(await gpu.requestAdapter())) return "navigator.gpu.requestAdapter() returned no adapter";
  }
  return undefined;
}

let wasmBuildChosen = false;

/**
 * Which wasm build starts: read when the wasm backend first starts, so decided just before,
 * once. `threads`: the threaded build with that many; by default the threaded build only
 * where tfjs would run more than one thread (wasmThreadsWorthIt).
 */
function chooseWasmBuild(threads: number | undefined): void {
  if (wasmBuildChosen) return;
  wasmBuildChosen = true;
  if (threads) setThreadsCount(threads);
  else if (!wasmThreadsWorthIt(globalThis.navigator?.hardwareConcurrency ?? 1))
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
}

/**
 * Takes the first backend of `order` that initialises, recording why the others failed.
 * `options.wasmThreads`: start wasm's threaded build with that many threads (chooseWasmBuild).
 */
export async function chooseBackend(
  order: BackendName[] = BACKEND_ORDER,
  options: { wasmThreads?: number } = {},
): Promise<BackendReport> {
  const fallbacks: BackendReport["fallbacks"] = [];
  for (const backend of order) {
    const reason = await unavailableReason(backend);
    if (reason) {
      fallbacks.push({ backend, reason });
      continue;
    }
    if (backend === "wasm") chooseWasmBuild(options.wasmThreads);
    try {
      if (await tf.setBackend(backend)) {
        await tf.ready();
        return {
          backend,
          adapter: backend === "webgpu" ? await describeAdapter() : undefined,
          detail: backend === "wasm" ? await describeWasm() : undefined,
          fallbacks,
        };
      }
      fallbacks.push({ backend, reason: "tf.setBackend returned false" });
    } catch (e) {
      fallbacks.push({ backend, reason: (e as Error).message });
    }
  }
  throw new Error(
    `no tfjs backend could start: ${fallbacks.map((f) => `${f.backend}: ${f.reason}`).join("; ")}`,
  );
}
