/**
 * The session (run config + metrics history + evaluations) kept across reloads in
 * IndexedDB. Everything here fails soft: without IndexedDB (Node, private windows with
 * storage off) saving does nothing and loading returns undefined.
 */

/** Steps kept in memory and on disk. Older steps are thinned (see `compactHistory`). */
export const MAX_HISTORY = 20_000;
/** The most recent steps always kept at full resolution. */
export const RECENT_HISTORY = 10_000;

/**
 * Keeps a long history bounded: when it is longer than `max`, the part before the last
 * `recent` entries is thinned to every other entry (first entry kept) until it fits, so
 * the whole run stays visible with full resolution for the recent steps.
 */
export function compactHistory<T>(history: T[], max = MAX_HISTORY, recent = RECENT_HISTORY): T[] {
  if (history.length <= max) return history;
  const keepRecent = Math.min(recent, max - 1);
  const cut = history.length - keepRecent;
  let old = history.slice(0, cut);
  const room = max - keepRecent;
  while (old.length > room) old = old.filter((_, i) => i % 2 === 0);
  return old.concat(history.slice(cut));
}

export interface PersistedSession<C = unknown, S = unknown, E = unknown> {
  version: 1;
  savedAt: number;
  config: C;
  history: S[];
  evals: E[];
  /** Where the run was when the page went away. */
  step: number;
  totalSteps: number;
  epoch: number;
}

const DB_NAME = "hardneg-lab";
const STORE = "session";
const KEY = "current";

function openDb(): Promise<IDBDatabase | undefined> {
  if (typeof indexedDB === "undefined") return Promise.resolve(undefined);
  return new Promise((resolve) => {
    try {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(undefined);
      request.onblocked = () => resolve(undefined);
    } catch {
      resolve(undefined);
    }
  });
}

async function withStore<T>(
  mode: IDBTransactionMode,
  action: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T | undefined> {
  const db = await openDb();
  if (!db) return undefined;
  try {
    return await new Promise<T | undefined>((resolve) => {
      const tx = db.transaction(STORE, mode);
      const request = action(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => resolve(undefined);
      tx.onabort = () => resolve(undefined);
    });
  } catch {
    return undefined;
  } finally {
    db.close();
  }
}

/** Saves the session; resolves false when it could not be stored. */
export async function saveSession(session: Omit<PersistedSession, "version" | "savedAt">): Promise<boolean> {
  const record: PersistedSession = {
    version: 1,
    savedAt: Date.now(),
    ...session,
    history: compactHistory(session.history),
  };
  const result = await withStore("readwrite", (store) => store.put(record, KEY));
  return result !== undefined;
}

/** The saved session, or undefined when there is none or it is unreadable. */
export async function loadSession(): Promise<PersistedSession | undefined> {
  const record = await withStore<unknown>("readonly", (store) => store.get(KEY));
  return isSession(record) ? record : undefined;
}

export async function clearSession(): Promise<void> {
  await withStore("readwrite", (store) => store.delete(KEY));
}

export function isSession(value: unknown): value is PersistedSession {
  if (!value || typeof value !== "object") return false;
  const v = value as Partial<PersistedSession>;
  return v.version === 1 && Array.isArray(v.history) && Array.isArray(v.evals);
}

/**
 * Calls `save` at most every `intervalMs` (trailing call included); `flush` runs a pending
 * save now.
 */
export function throttle(save: () => void, intervalMs: number): { schedule(): void; flush(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  const run = () => {
    timer = undefined;
    last = Date.now();
    save();
  };
  return {
    schedule() {
      if (timer !== undefined) return;
      const wait = Math.max(0, intervalMs - (Date.now() - last));
      timer = setTimeout(run, wait);
    },
    flush() {
      if (timer === undefined) return;
      clearTimeout(timer);
      run();
    },
  };
}

/**
 * Another record next to the session (e.g. the Compare tab's queue, key "compare"); resolves
 * false when it could not be stored. Fails soft like the session.
 */
export async function saveRecord(key: string, value: unknown): Promise<boolean> {
  if (key === KEY) throw new Error(`"${KEY}" is the session's key`);
  const result = await withStore("readwrite", (store) => store.put(value, key));
  return result !== undefined;
}

/** The record saved under `key`, or undefined. */
export async function loadRecord(key: string): Promise<unknown> {
  return withStore<unknown>("readonly", (store) => store.get(key));
}
