/**
 * Checkpoint storage in the browser: the Origin Private File System where available,
 * IndexedDB otherwise. A full disk surfaces as a clear error; callers keep training.
 */
// Its own database: the session store (src/state/persist.ts) owns "hardneg-lab" at version 1.
const DB_NAME = "hardneg-lab-checkpoints";
const STORE = "checkpoints";

async function opfsDir(): Promise<FileSystemDirectoryHandle | undefined> {
  try {
    const root = await navigator.storage?.getDirectory?.();
    return root ? await root.getDirectoryHandle("checkpoints", { create: true }) : undefined;
  } catch {
    return undefined;
  }
}

function idb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function idbRequest<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return idb().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const request = run(db.transaction(STORE, mode).objectStore(STORE));
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      }),
  );
}

export function isQuotaError(e: unknown): boolean {
  return e instanceof DOMException && (e.name === "QuotaExceededError" || e.code === 22);
}

/** Test hooks only (./faultHooks.ts): make every write fail as a full disk does. */
export const storageFaults = { quotaExceeded: false };

export async function saveBlob(name: string, bytes: Uint8Array): Promise<"opfs" | "indexeddb"> {
  if (storageFaults.quotaExceeded) throw new DOMException("test hook: storage is full", "QuotaExceededError");
  const dir = await opfsDir();
  if (dir) {
    const handle = await dir.getFileHandle(name, { create: true });
    // Workers get the synchronous handle (fast, and the only writer Safari offers).
    const sync = "createSyncAccessHandle" in handle ? await handle.createSyncAccessHandle() : undefined;
    if (sync) {
      sync.truncate(0);
      sync.write(bytes, { at: 0 });
      sync.flush();
      sync.close();
    } else {
      const writable = await handle.createWritable();
      await writable.write(bytes as Uint8Array<ArrayBuffer>);
      await writable.close();
    }
    return "opfs";
  }
  await idbRequest("readwrite", (store) => store.put(bytes, name));
  return "indexeddb";
}

export async function loadBlob(name: string): Promise<Uint8Array | undefined> {
  const dir = await opfsDir();
  if (dir) {
    try {
      const file = await (await dir.getFileHandle(name)).getFile();
      return new Uint8Array(await file.arrayBuffer());
    } catch {
      return undefined;
    }
  }
  return (await idbRequest<Uint8Array | undefined>("readonly", (store) => store.get(name))) ?? undefined;
}

/** Deletes a stored file (nothing happens when there is none). */
export async function removeBlob(name: string): Promise<void> {
  const dir = await opfsDir();
  if (dir) {
    await dir.removeEntry(name).catch(() => {});
    return;
  }
  await idbRequest("readwrite", (store) => store.delete(name));
}
