/**
 * The Content-Security-Policy of the built app, for the page and for its workers. Vite's
 * config serves it as a header (dev and preview) and writes the page's into every HTML file
 * as a <meta> tag, so a static deploy keeps it. Pure strings: no DOM, importable anywhere.
 */

/**
 * Hosts the app may download models from: the hub's default base (`DEFAULT_HUB_BASE` in
 * src/core/io/hub.ts) and the CDNs its `resolve/main` URLs redirect to. A build for another
 * hub lists its origins in HARDNEG_MODEL_HOSTS (space- or comma-separated).
 */
export const DEFAULT_MODEL_HOSTS = ["https://huggingface.co", "https://*.huggingface.co", "https://*.hf.co"];

export interface CspOptions {
  /** Origins (wildcards allowed) that model files may be fetched from. */
  modelHosts?: readonly string[];
  /** Vite's dev server: its React refresh preamble is an inline script and CSS arrives as <style>. */
  dev?: boolean;
  /** For a <meta> tag, which cannot carry frame-ancestors (browsers ignore it there, with a warning). */
  meta?: boolean;
}

type Directives = Record<string, string[]>;

function serialize(directives: Directives): string {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(" "))
    .join("; ");
}

function baseDirectives({
  modelHosts = DEFAULT_MODEL_HOSTS,
  dev = false,
  meta = false,
}: CspOptions): Directives {
  const directives: Directives = {
    "default-src": ["'self'"],
    // tfjs-backend-wasm compiles WebAssembly; nothing else is compiled or evaluated.
    "script-src": ["'self'", "'wasm-unsafe-eval'", ...(dev ? ["'unsafe-inline'"] : [])],
    "worker-src": ["'self'"],
    // blob: lets the page read back an image file the user picked (URL.createObjectURL).
    "connect-src": ["'self'", "blob:", ...modelHosts, ...(dev ? ["ws:"] : [])],
    // data: and blob: are images the app makes itself (sample thumbnails, picked files).
    "img-src": ["'self'", "data:", "blob:"],
    "style-src": ["'self'", ...(dev ? ["'unsafe-inline'"] : [])],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
  };
  if (!meta) directives["frame-ancestors"] = ["'none'"];
  return directives;
}

/** The policy of HTML documents: no inline script, no eval, no blob: scripts. */
export function pagePolicy(options: CspOptions = {}): string {
  return serialize(baseDirectives(options));
}

/**
 * The policy of worker scripts (a worker takes its policy from its own response, not from the
 * page's <meta>). The wasm backend's threads are workers made from blob: URLs (worker-src),
 * which importScripts() a blob: copy of the backend; CSP3 gives a blob: worker its creator's
 * policy, so script-src lists blob: too (Chromium does not enforce that yet). The e2e test
 * harness runs tfjs on its page, so it gets this policy too.
 */
export function workerPolicy(options: CspOptions = {}): string {
  const directives = baseDirectives(options);
  directives["script-src"].push("blob:");
  directives["worker-src"].push("blob:");
  return serialize(directives);
}

/** A CSP host source: scheme, host (optionally "*." first) and port; nothing that could end the directive. */
const HOST_SOURCE = /^https?:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:(\d{1,5}|\*))?$/i;

/** Hosts from an environment variable ("https://a.example https://*.b.example"), else the defaults. */
export function modelHostsFrom(value: string | undefined): string[] {
  const hosts = (value ?? "").split(/[\s,]+/).filter(Boolean);
  for (const host of hosts) {
    if (!HOST_SOURCE.test(host))
      throw new Error(`HARDNEG_MODEL_HOSTS: "${host}" is not an origin like https://hub.example`);
  }
  return hosts.length > 0 ? hosts : DEFAULT_MODEL_HOSTS;
}
