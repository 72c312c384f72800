/**
 * Named byte files in the browser: an Origin Private File System folder where available, else
 * an IndexedDB database of their own (one per store, so schemas never collide). Checkpoints
 * (./storage.ts) and uploaded datasets (./uploadStorage.ts) each use one.
 */
export interface FileStore {
  /** Writes (replaces) a file; says where it went. */
  write(name: string, bytes: Uint8Array): Promise<"opfs" | "indexeddb">;
  /** The file's bytes, or undefined when there is none. */
  read(name: string): Promise<Uint8Array | undefined>;
  /** Deletes a file (nothing happens when there is none). */
  remove(name: string): Promise<void>;
  /** Deletes every file whose name starts with `prefix`. */
  removePrefix(prefix: string): Promise<void>;
}

const STORE = "files";

export function createFileStore(where: { folder: string; database: string }): FileStore {
  async function opfsDir(): Promise<FileSystemDirectoryHandle | undefined> {
    try {
      const root = await navigator.storage?.getDirectory?.();
      return root ? await root.getDirectoryHandle(where.folder, { create: true }) : undefined;
    } catch {
      return undefined;
    }
  }

  async function idbRun<T>(
    mode: IDBTransactionMode,
    run: (store: IDBObjectStore) => IDBRequest<T>,
  ): Promise<T> {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(where.database, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
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

  return {
    async write(name, bytes) {
      const dir = await opfsDir();
      if (!dir) {
        await idbRun("readwrite", (store) => store.put(bytes, name));
        return "indexeddb";
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
      } else {
        const writable = await handle.createWritable();
        await writable.write(bytes as Uint8Array<ArrayBuffer>);
        await writable.close();
      }
      return "opfs";
    },

    async read(name) {
      const dir = await opfsDir();
      if (!dir)
        return (await idbRun<Uint8Array | undefined>("readonly", (store) => store.get(name))) ?? undefined;
      try {
        return new Uint8Array(await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer());
      } catch {
        return undefined;
      }
    },

    async remove(name) {
      const dir = await opfsDir();
      if (dir) await dir.removeEntry(name).catch(() => undefined);
      else await idbRun("readwrite", (store) => store.delete(name));
    },

    async removePrefix(prefix) {
      const dir = await opfsDir();
      if (!dir) {
        await idbRun("readwrite", (store) => store.delete(IDBKeyRange.bound(prefix, `${prefix}\uffff`)));
        return;
      }
      const names: string[] = [];
      for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys())
        if (name.startsWith(prefix)) names.push(name);
      for (const name of names) await dir.removeEntry(name).catch(() => undefined);
    },
  };
}
