/**
 * Checkpoint storage in the browser (OPFS, else IndexedDB: ./fileStore.ts). A full disk
 * surfaces as a clear error; callers keep training.
 */
import { createFileStore } from "./fileStore.js";

// Its own database: the session store (src/state/persist.ts) owns "hardneg-lab" at version 1.
const checkpoints = createFileStore({ folder: "checkpoints", database: "hardneg-lab-checkpoints" });

export function isQuotaError(e: unknown): boolean {
  return e instanceof DOMException && (e.name === "QuotaExceededError" || e.code === 22);
}

/** Test hooks only (./faultHooks.ts): make every write fail as a full disk does. */
export const storageFaults = { quotaExceeded: false };

export async function saveBlob(name: string, bytes: Uint8Array): Promise<"opfs" | "indexeddb"> {
  if (storageFaults.quotaExceeded) throw new DOMException("test hook: storage is full", "QuotaExceededError");
  return checkpoints.write(name, bytes);
}

export const loadBlob = (name: string) => checkpoints.read(name);

/** Deletes a stored file (nothing happens when there is none). */
export const removeBlob = (name: string) => checkpoints.remove(name);
