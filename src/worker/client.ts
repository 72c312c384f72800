import * as Comlink from "comlink";
import type { ClipWorkerApi } from "./clipWorker.js";

let remote: Comlink.Remote<ClipWorkerApi> | undefined;

/** The single CLIP worker of the page, started on first use. */
export function clipWorker(): Comlink.Remote<ClipWorkerApi> {
  if (!remote) {
    const worker = new Worker(new URL("./clipWorker.ts", import.meta.url), { type: "module", name: "clip" });
    remote = Comlink.wrap<ClipWorkerApi>(worker);
    // Exposed for end-to-end tests and the curious: window.hardneg.worker.
    (globalThis as { hardneg?: object }).hardneg = { worker: remote };
  }
  return remote;
}
