/**
 * Files of the uploaded dataset in the browser: the Origin Private File System folder
 * "uploads" where available, else an IndexedDB store of its own (a separate database, so
 * its schema never collides with the session's or the checkpoints'). Names are flat keys.
 */
const DB_NAME = "hardneg-lab-uploads";
const STORE = "files";

async function opfsDir(): Promise<FileSystemDirectoryHandle | undefined> {
  try {
    const root = await navigator.storage?.getDirectory?.();
    return root ? await root.getDirectoryHandle("uploads", { create: true }) : undefined;
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

async function idbRun<T>(
  mode: IDBTransactionMode,
  run: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await idb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = run(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

export async function writeUploadFile(name: string, bytes: Uint8Array): Promise<void> {
  const dir = await opfsDir();
  if (!dir) {
    await idbRun("readwrite", (store) => store.put(bytes, name));
    return;
  }
  const handle = await dir.getFileHandle(name, { create: true });
  // Workers get the synchronous handle (fast, and the only writer some browsers offer).
  const sync = "createSyncAccessHandle" in handle ? await handle.createSyncAccessHandle() : undefined;
  if (sync) {
    try {
      sync.truncate(0);
      sync.write(bytes, { at: 0 });
      sync.flush();
    } finally {
      sync.close();
    }
    return;
  }
  const writable = await handle.createWritable();
  await writable.write(bytes as Uint8Array<ArrayBuffer>);
  await writable.close();
}

export async function readUploadFile(name: string): Promise<Uint8Array | undefined> {
  const dir = await opfsDir();
  if (!dir)
    return (await idbRun<Uint8Array | undefined>("readonly", (store) => store.get(name))) ?? undefined;
  try {
    return new Uint8Array(await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer());
  } catch {
    return undefined;
  }
}

/** Deletes every stored file whose name starts with `prefix` (an old dataset's images). */
export async function deleteUploadFiles(prefix: string): Promise<void> {
  const dir = await opfsDir();
  if (!dir) {
    await idbRun("readwrite", (store) => store.delete(IDBKeyRange.bound(prefix, `${prefix}\uffff`)));
    return;
  }
  const names: string[] = [];
  for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys())
    if (name.startsWith(prefix)) names.push(name);
  for (const name of names) await dir.removeEntry(name).catch(() => undefined);
}
