import { describe, expect, it } from "vitest";
import { readFolder, TINY_CLIP_DIR } from "../clip/testing.js";
import {
  type ByteCache,
  downloadHubModel,
  type FetchLike,
  type HubProgress,
  hubFolderUrl,
  parseHubId,
} from "./hub.js";

const BASE = "https://hub.test";
const ID = "test-org/tiny-clip";
const FOLDER = `${BASE}/${ID}/resolve/main`;
/** The fixture checkpoint, without the test-only files. */
const fixture = () => {
  const files = readFolder(TINY_CLIP_DIR);
  for (const name of [...files.keys()]) if (!/\.(json|txt|safetensors)$/.test(name)) files.delete(name);
  files.delete("expected.json");
  return files;
};

/** A fake hub: serves `files` under FOLDER in 64 KiB chunks, with Content-Length; logs every request. */
function fakeHub(files: Map<string, Uint8Array>, options: { contentLength?: boolean } = {}) {
  const requests: string[] = [];
  const fetch: FetchLike = async (url) => {
    requests.push(url);
    const name = url.startsWith(`${FOLDER}/`) ? url.slice(FOLDER.length + 1) : undefined;
    const bytes = name === undefined ? undefined : files.get(name);
    if (!bytes) return new Response("Entry not found", { status: 404, statusText: "Not Found" });
    const chunk = 64 * 1024;
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(offset, offset + chunk));
        offset += chunk;
      },
    });
    const headers: Record<string, string> =
      options.contentLength === false ? {} : { "content-length": String(bytes.length) };
    return new Response(body, { status: 200, headers });
  };
  return { fetch, requests };
}

/** Byte equality without vitest's element-by-element diff (slow on 658 kB). */
const same = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && Buffer.from(a).equals(b);

function memoryCache(): ByteCache & { entries: Map<string, Uint8Array> } {
  const entries = new Map<string, Uint8Array>();
  return {
    entries,
    get: async (key) => entries.get(key),
    put: async (key, bytes) => {
      entries.set(key, bytes);
    },
  };
}

describe("hub ids and URLs", () => {
  it("parses ids, revisions and pasted hub URLs", () => {
    expect(parseHubId(" openai/clip-vit-base-patch32 ")).toEqual({
      id: "openai/clip-vit-base-patch32",
      revision: "main",
    });
    expect(parseHubId("wkcn/TinyCLIP-ViT-8M-16-Text-3M-YFCC15M@v1.0")).toEqual({
      id: "wkcn/TinyCLIP-ViT-8M-16-Text-3M-YFCC15M",
      revision: "v1.0",
    });
    expect(parseHubId("https://huggingface.co/openai/clip-vit-base-patch32/tree/main").id).toBe(
      "openai/clip-vit-base-patch32",
    );
    expect(() => parseHubId("../etc/passwd")).toThrow(/not a model id/);
    expect(() => parseHubId("a/b/c")).toThrow(/not a model id/);
    expect(() => parseHubId("")).toThrow(/not a model id/);
  });

  it("builds the resolve/main layout under a configurable base", () => {
    expect(hubFolderUrl("https://huggingface.co/", "openai/clip-vit-base-patch32")).toBe(
      "https://huggingface.co/openai/clip-vit-base-patch32/resolve/main",
    );
    expect(hubFolderUrl("http://localhost:8080/mirror", "a/b", "dev")).toBe(
      "http://localhost:8080/mirror/a/b/resolve/dev",
    );
    expect(() => hubFolderUrl("ftp://x", "a/b")).toThrow(/https:\/\/ or http:\/\//);
    expect(() => hubFolderUrl("not a url", "a/b")).toThrow(/not a URL/);
  });
});

describe("downloadHubModel", () => {
  it("downloads every present file, skips absent optional ones, and reports bytes up to 100 %", async () => {
    const served = fixture();
    const hub = fakeHub(served);
    const events: HubProgress[] = [];
    const result = await downloadHubModel({
      id: ID,
      base: BASE,
      fetch: hub.fetch,
      onProgress: (p) => events.push(p),
    });
    expect([...result.files.keys()].sort()).toEqual([...served.keys()].sort());
    for (const [name, bytes] of served) expect(same(result.files.get(name), bytes), name).toBe(true);
    expect(result.fromCache).toBe(false);
    expect(result.baseUrl).toBe(FOLDER);
    // special_tokens_map.json is optional and absent: one 404, no error.
    expect(hub.requests).toContain(`${FOLDER}/special_tokens_map.json`);
    const totalBytes = [...served.values()].reduce((n, b) => n + b.length, 0);
    const last = events[events.length - 1];
    expect(last).toMatchObject({ loaded: totalBytes, total: totalBytes, totalKnown: true });
    // The weights (658,044 bytes) arrive in 11 chunks of at most 64 KiB: progress in between.
    const weightEvents = events.filter((e) => e.file === "model.safetensors");
    expect(weightEvents.length).toBeGreaterThanOrEqual(11);
    const loaded = events.map((e) => e.loaded);
    expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
    expect(events.every((e) => e.loaded <= e.total)).toBe(true);
  });

  it("without Content-Length the total is marked unknown until the bodies end", async () => {
    const hub = fakeHub(fixture(), { contentLength: false });
    const events: HubProgress[] = [];
    await downloadHubModel({ id: ID, base: BASE, fetch: hub.fetch, onProgress: (p) => events.push(p) });
    expect(events.some((e) => !e.totalKnown)).toBe(true);
    expect(events[events.length - 1].totalKnown).toBe(true);
  });

  it("a second load reads the cache and sends no request", async () => {
    const hub = fakeHub(fixture());
    const cache = memoryCache();
    const first = await downloadHubModel({ id: ID, base: BASE, fetch: hub.fetch, cache });
    const firstRequests = hub.requests.length;
    expect(firstRequests).toBe(7); // 2 required + 5 optional (one of them 404)
    const events: HubProgress[] = [];
    const second = await downloadHubModel({
      id: ID,
      base: BASE,
      fetch: hub.fetch,
      cache,
      onProgress: (p) => events.push(p),
    });
    expect(hub.requests.length).toBe(firstRequests);
    expect(second.fromCache).toBe(true);
    expect(events.every((e) => e.fromCache)).toBe(true);
    expect(events[events.length - 1].loaded).toBe(events[events.length - 1].total);
    for (const [name, bytes] of first.files) expect(same(second.files.get(name), bytes), name).toBe(true);
  });

  it("an interrupted download fetches only what the cache lacks", async () => {
    const hub = fakeHub(fixture());
    const cache = memoryCache();
    await downloadHubModel({ id: ID, base: BASE, fetch: hub.fetch, cache });
    cache.entries.delete(`${FOLDER}/model.safetensors`);
    hub.requests.length = 0;
    const again = await downloadHubModel({ id: ID, base: BASE, fetch: hub.fetch, cache });
    expect(hub.requests).toEqual([`${FOLDER}/model.safetensors`]);
    expect(again.fromCache).toBe(false);
  });

  it("a missing required file is an error naming the URL", async () => {
    const files = fixture();
    files.delete("model.safetensors");
    await expect(downloadHubModel({ id: ID, base: BASE, fetch: fakeHub(files).fetch })).rejects.toThrow(
      `model.safetensors is missing: GET ${FOLDER}/model.safetensors answered HTTP 404 Not Found (only safetensors`,
    );
    await expect(
      downloadHubModel({ id: "test-org/nothing", base: BASE, fetch: fakeHub(files).fetch }),
    ).rejects.toThrow(`config.json is missing: GET ${BASE}/test-org/nothing/resolve/main/config.json`);
  });

  it("merges.txt is optional when tokenizer.json is there; no tokenizer at all is an error", async () => {
    const files = fixture();
    files.delete("merges.txt");
    const result = await downloadHubModel({ id: ID, base: BASE, fetch: fakeHub(files).fetch });
    expect(result.files.has("merges.txt")).toBe(false);
    expect(result.files.has("tokenizer.json")).toBe(true);
    files.delete("tokenizer.json");
    await expect(downloadHubModel({ id: ID, base: BASE, fetch: fakeHub(files).fetch })).rejects.toThrow(
      `no tokenizer at ${FOLDER}: tokenizer.json, or vocab.json and merges.txt, is needed`,
    );
  });

  it("gated repositories and network failures get their own messages", async () => {
    const gated: FetchLike = async () => new Response("", { status: 401, statusText: "Unauthorized" });
    await expect(downloadHubModel({ id: ID, base: BASE, fetch: gated })).rejects.toThrow(
      /answered HTTP 401 Unauthorized: the repository is gated or private/,
    );
    const offline: FetchLike = async () => {
      throw new TypeError("Failed to fetch");
    };
    await expect(downloadHubModel({ id: ID, base: BASE, fetch: offline })).rejects.toThrow(
      `could not reach ${FOLDER}/`,
    );
  });

  it("a cache that cannot store is a warning, not a failure", async () => {
    const full: ByteCache = {
      get: async () => undefined,
      put: async () => {
        throw new Error("QuotaExceededError");
      },
    };
    const result = await downloadHubModel({
      id: ID,
      base: BASE,
      fetch: fakeHub(fixture()).fetch,
      cache: full,
    });
    expect(result.files.has("model.safetensors")).toBe(true);
    expect(result.warnings[0]).toMatch(/was not cached: QuotaExceededError/);
  });
});
