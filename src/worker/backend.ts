import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import wasmPlain from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url";
import wasmSimd from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url";
import wasmThreadedSimd from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url";

export type BackendName = "webgpu" | "wasm" | "cpu";
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

async function unavailableReason(name: BackendName): Promise<string | undefined> {
  if (name === "webgpu") {
    const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
    if (!gpu) return "this browser exposes no navigator.gpu (WebGPU disabled or unsupported)";
    if (!(await gpu.requestAdapter())) return "navigator.gpu.requestAdapter() returned no adapter";
  }
  return undefined;
}

/** Takes the first backend of `order` that initialises, recording why the others failed. */
export async function chooseBackend(order: BackendName[] = BACKEND_ORDER): Promise<BackendReport> {
  const fallbacks: BackendReport["fallbacks"] = [];
  for (const backend of order) {
    const reason = await unavailableReason(backend);
    if (reason) {
      fallbacks.push({ backend, reason });
      continue;
    }
    try {
      if (await tf.setBackend(backend)) {
        await tf.ready();
        return { backend, adapter: backend === "webgpu" ? await describeAdapter() : undefined, fallbacks };
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
