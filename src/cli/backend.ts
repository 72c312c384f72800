import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

export type NodeBackend = "wasm" | "cpu";

/** Node runs the same core on tfjs wasm (default; ~10x faster than cpu here) or cpu. */
export async function selectNodeBackend(name: string | undefined): Promise<NodeBackend> {
  const backend = (name ?? "wasm") as NodeBackend;
  if (backend !== "wasm" && backend !== "cpu") {
    throw new Error(`unknown backend "${name}" (use wasm or cpu)`);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`the ${backend} backend could not start`);
  await tf.ready();
  return backend;
}
