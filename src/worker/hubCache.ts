import type { ByteCache } from "../core/io/hub.js";

/** Cache Storage holds downloaded hub files, keyed by their URL (survives reloads, per origin). */
const CACHE_NAME = "hardneg-hub-v1";

/** The browser's Cache Storage as a ByteCache, or undefined where there is none (insecure pages). */
export async function openHubCache(): Promise<ByteCache | undefined> {
  if (typeof caches === "undefined") return undefined;
  let cache: Cache;
  try {
    cache = await caches.open(CACHE_NAME);
  } catch {
    return undefined;
  }
  return {
    async get(key) {
      const response = await cache.match(key);
      return response ? new Uint8Array(await response.arrayBuffer()) : undefined;
    },
    async put(key, bytes) {
      await cache.put(key, new Response(bytes as Uint8Array<ArrayBuffer>));
    },
  };
}

/** Drops every cached hub file (the Model picker's "Clear the download cache"). */
export async function clearHubCache(): Promise<boolean> {
  return typeof caches !== "undefined" && caches.delete(CACHE_NAME);
}
