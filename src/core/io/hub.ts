/**
 * Downloading a CLIP checkpoint in the Hugging Face hub's URL layout,
 * `{base}/{id}/resolve/{revision}/{file}`, with byte progress and a cache, so a second load
 * reads nothing from the network. Pure: `fetch` and the cache are injected (the worker
 * passes the browser's fetch and Cache Storage; tests pass fakes).
 */

export const DEFAULT_HUB_BASE = "https://huggingface.co";

/** Files a CLIP checkpoint cannot do without. */
export const REQUIRED_FILES = ["config.json", "model.safetensors"] as const;
/** Tokenizer files: tokenizer.json, or vocab.json with merges.txt, is needed; the rest helps. */
export const OPTIONAL_FILES = [
  "tokenizer.json",
  "tokenizer_config.json",
  "vocab.json",
  "merges.txt",
  "special_tokens_map.json",
] as const;

/** The part of the Fetch API used here (the browser's and Node's `fetch` both fit). */
export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

/** Bytes by key (the file's URL). Failures to write are reported, never fatal. */
export interface ByteCache {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array): Promise<void>;
}

export interface HubProgress {
  /** The file this event is about. */
  file: string;
  /** Bytes of all files received so far (cache hits count in full). */
  loaded: number;
  /** Bytes of all files as far as known (Content-Length); grows as responses arrive. */
  total: number;
  /** False while some file's size is still unknown. */
  totalKnown: boolean;
  fromCache: boolean;
}

export interface HubDownload {
  files: Map<string, Uint8Array>;
  /** Every file came from the cache: nothing was downloaded. */
  fromCache: boolean;
  /** The folder URL the files were read from. */
  baseUrl: string;
  /** Problems that did not stop the load (e.g. a full cache). */
  warnings: string[];
}

export class HubError extends Error {
  override name = "HubError";
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;
const REVISION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

/** "org/name" or "org/name@revision" (also a pasted hub URL); the error says what is wrong. */
export function parseHubId(text: string): { id: string; revision: string } {
  let value = text.trim();
  const fromUrl = /^https?:\/\/[^/]+\/([^/]+\/[^/?#]+)/.exec(value);
  if (fromUrl) value = fromUrl[1];
  const at = value.indexOf("@");
  const id = at >= 0 ? value.slice(0, at) : value;
  const revision = at >= 0 ? value.slice(at + 1) : "main";
  if (!ID_PATTERN.test(id) || id.includes("..")) {
    throw new HubError(
      `"${text}" is not a model id: expected "organisation/name" (letters, digits, ".", "_" and "-")`,
    );
  }
  if (!REVISION_PATTERN.test(revision) || revision.includes("..")) {
    throw new HubError(`"${revision}" is not a revision: expected a branch, tag or commit`);
  }
  return { id, revision };
}

/** The folder URL of a model: `{base}/{id}/resolve/{revision}`. */
export function hubFolderUrl(base: string, id: string, revision = "main"): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new HubError(`hub address "${base}" is not a URL (expected e.g. ${DEFAULT_HUB_BASE})`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new HubError(`hub address "${base}" must start with https:// or http://`);
  }
  return `${base.replace(/\/+$/, "")}/${id}/resolve/${revision}`;
}

/** The cache entry listing which files a complete earlier download had. */
const MANIFEST = ".hardneg-files.json";

interface Pending {
  name: string;
  loaded: number;
  total?: number;
}

function describeStatus(response: Response): string {
  return `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
}

function missingMessage(name: string, url: string, response: Response): string {
  const status = describeStatus(response);
  if (response.status === 401 || response.status === 403) {
    return `${name}: GET ${url} answered ${status}: the repository is gated or private, and this app sends no access token`;
  }
  const hint =
    name === "model.safetensors"
      ? " (only safetensors weights can be read in the browser; a repository with only pytorch_model.bin needs converting)"
      : "";
  return `${name} is missing: GET ${url} answered ${status}${hint}`;
}

/** Reads a body in chunks, reporting each (one concatenation at the end). */
async function readBody(response: Response, entry: Pending, report: () => void): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    entry.loaded = bytes.length;
    report();
    return bytes;
  }
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    entry.loaded += value.length;
    report();
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(entry.loaded);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

async function cacheGet(cache: ByteCache | undefined, key: string): Promise<Uint8Array | undefined> {
  try {
    return await cache?.get(key);
  } catch {
    return undefined; // an unreadable cache is a cache miss
  }
}

/**
 * Downloads (or reads from the cache) config.json, model.safetensors and the tokenizer files
 * of a hub model. A missing required file, or no usable tokenizer, is a HubError naming the
 * URL; a missing optional file is skipped.
 */
export async function downloadHubModel(options: {
  id: string;
  base?: string;
  revision?: string;
  fetch: FetchLike;
  cache?: ByteCache;
  onProgress?: (progress: HubProgress) => void;
  signal?: AbortSignal;
}): Promise<HubDownload> {
  const { fetch: fetchFn, cache, onProgress, signal } = options;
  const parsed = parseHubId(options.revision ? `${options.id}@${options.revision}` : options.id);
  const baseUrl = hubFolderUrl(options.base ?? DEFAULT_HUB_BASE, parsed.id, parsed.revision);
  const urlOf = (name: string) => `${baseUrl}/${name}`;
  const warnings: string[] = [];
  const files = new Map<string, Uint8Array>();
  const pending: Pending[] = [];
  const report = (file: string, fromCache: boolean) => {
    if (!onProgress) return;
    let loaded = 0;
    let total = 0;
    let totalKnown = true;
    for (const p of pending) {
      loaded += p.loaded;
      // Compressed responses can deliver more than their Content-Length.
      total += Math.max(p.total ?? p.loaded, p.loaded);
      if (p.total === undefined) totalKnown = false;
    }
    onProgress({ file, loaded, total, totalKnown, fromCache });
  };

  const listed = await cacheGet(cache, urlOf(MANIFEST));
  const manifest = listed ? (JSON.parse(new TextDecoder().decode(listed)) as string[]) : undefined;
  const wanted = manifest ?? [...REQUIRED_FILES, ...OPTIONAL_FILES];
  let downloaded = 0;

  const getOne = async (name: string): Promise<void> => {
    const required = (REQUIRED_FILES as readonly string[]).includes(name);
    const cached = await cacheGet(cache, urlOf(name));
    if (cached) {
      pending.push({ name, loaded: cached.length, total: cached.length });
      files.set(name, cached);
      report(name, true);
      return;
    }
    const url = urlOf(name);
    let response: Response;
    try {
      response = await fetchFn(url, { signal });
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new HubError(
        `could not reach ${url}: ${(e as Error).message} (offline, a wrong hub address, a host the page's security policy does not allow, or a server that refuses cross-origin requests)`,
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      if (required || response.status === 401 || response.status === 403) {
        throw new HubError(missingMessage(name, url, response));
      }
      return; // optional file absent
    }
    const length = Number(response.headers.get("content-length"));
    const entry: Pending = {
      name,
      loaded: 0,
      total: Number.isFinite(length) && length > 0 ? length : undefined,
    };
    pending.push(entry);
    const bytes = await readBody(response, entry, () => report(name, false));
    entry.total = bytes.length;
    report(name, false);
    files.set(name, bytes);
    downloaded += 1;
    try {
      await cache?.put(url, bytes);
    } catch (e) {
      warnings.push(`${name} was not cached: ${(e as Error).message}`);
    }
  };

  await Promise.all(wanted.map(getOne));

  if (!files.has("tokenizer.json") && !(files.has("vocab.json") && files.has("merges.txt"))) {
    throw new HubError(
      `no tokenizer at ${baseUrl}: tokenizer.json, or vocab.json and merges.txt, is needed (found ${[...files.keys()].join(", ")})`,
    );
  }
  if (downloaded > 0 && cache && warnings.length === 0) {
    try {
      await cache.put(urlOf(MANIFEST), new TextEncoder().encode(JSON.stringify([...files.keys()].sort())));
    } catch (e) {
      warnings.push(`the file list was not cached: ${(e as Error).message}`);
    }
  }
  return { files, fromCache: downloaded === 0, baseUrl, warnings };
}
