import * as Comlink from "comlink";
import type { LabWorkerApi } from "./labWorker.js";

let remote: Comlink.Remote<LabWorkerApi> | undefined;
let thread: Worker | undefined;
const errorListeners = new Set<(message: string) => void>();

/** The single lab worker of the page, started on first use. */
export function labWorker(): Comlink.Remote<LabWorkerApi> {
  if (!remote) {
    const worker = new Worker(new URL("./labWorker.ts", import.meta.url), { type: "module", name: "lab" });
    // An uncaught exception in the worker (src/state/recoveryStore.ts decides if it died).
    worker.addEventListener("error", (e) => {
      for (const listener of errorListeners) listener(e.message || "unknown error");
    });
    thread = worker;
    remote = Comlink.wrap<LabWorkerApi>(worker);
    // Exposed for end-to-end tests and the curious: window.hardneg.worker.
    (globalThis as { hardneg?: object }).hardneg = { worker: remote };
  }
  return remote;
}

/** Ends the lab worker (crashed, hung, or its GPU device lost) and starts a fresh one. */
export function restartLabWorker(): Comlink.Remote<LabWorkerApi> {
  thread?.terminate();
  thread = undefined;
  remote = undefined;
  return labWorker();
}

export function onLabWorkerError(listener: (message: string) => void): () => void {
  errorListeners.add(listener);
  return () => errorListeners.delete(listener);
}
