import * as Comlink from "comlink";
import type { LabWorkerApi } from "./labWorker.js";

let remote: Comlink.Remote<LabWorkerApi> | undefined;

/** The single lab worker of the page, started on first use. */
export function labWorker(): Comlink.Remote<LabWorkerApi> {
  if (!remote) {
    const worker = new Worker(new URL("./labWorker.ts", import.meta.url), { type: "module", name: "lab" });
    remote = Comlink.wrap<LabWorkerApi>(worker);
    // Exposed for end-to-end tests and the curious: window.hardneg.worker.
    (globalThis as { hardneg?: object }).hardneg = { worker: remote };
  }
  return remote;
}
