import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { type Connect, defineConfig, type Plugin } from "vite";
import { type CspOptions, modelHostsFrom, pagePolicy, workerPolicy } from "./src/security/csp.js";

// Cross-origin isolation lets the wasm backend use threads (SharedArrayBuffer).
const isolationHeaders = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

/**
 * The Content-Security-Policy (src/security/csp.ts): a header on every response of the dev
 * and preview servers (app documents get the page policy; everything else the worker policy,
 * which only workers and the e2e harness page read), and a <meta> tag in every built HTML
 * file for static hosts.
 */
function contentSecurityPolicy(): Plugin {
  const modelHosts = modelHostsFrom(process.env.HARDNEG_MODEL_HOSTS);
  const middleware =
    (options: CspOptions): Connect.NextHandleFunction =>
    (req, res, next) => {
      const path = (req.url ?? "/").split("?")[0];
      const isDocument = path.endsWith("/") || path.endsWith(".html") || !/\.[a-z0-9]+$/i.test(path);
      const isApp = isDocument && !path.startsWith("/e2e/");
      res.setHeader("Content-Security-Policy", (isApp ? pagePolicy : workerPolicy)(options));
      next();
    };
  return {
    name: "hardneg-content-security-policy",
    configureServer: (server) => void server.middlewares.use(middleware({ modelHosts, dev: true })),
    configurePreviewServer: (server) => void server.middlewares.use(middleware({ modelHosts })),
    transformIndexHtml: {
      order: "post",
      handler: (_html, ctx) =>
        ctx.server
          ? [] // the dev server's header is enough (and its preamble needs 'unsafe-inline')
          : [
              {
                tag: "meta",
                attrs: {
                  "http-equiv": "Content-Security-Policy",
                  content: (ctx.path.startsWith("/e2e/") ? workerPolicy : pagePolicy)({
                    modelHosts,
                    meta: true,
                  }),
                },
                injectTo: "head-prepend",
              },
            ],
    },
  };
}

/**
 * tfjs-backend-wasm starts its pthread workers from `factory.toString()`, which after
 * bundling refers to renamed outer variables ("e is not defined"), so the wasm backend never
 * starts on a cross-origin isolated page. This hands those workers the package's own
 * unbundled factory source instead (main and worker bundles).
 */
function tfjsWasmThreads(): Plugin {
  const factoryCall = /`var WasmBackendModuleThreadedSimd = ` \+\s*wasmFactoryThreadedSimd\.toString\(\)/;
  return {
    name: "tfjs-wasm-threads",
    transform(code, id) {
      if (!/tfjs-backend-wasm[\\/]dist[\\/]backend_wasm\.js$/.test(id.split("?")[0])) return undefined;
      if (!factoryCall.test(code)) throw new Error(`tfjs-wasm-threads: factory call not found in ${id}`);
      const source = readFileSync(
        createRequire(import.meta.url).resolve(
          "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js",
        ),
        "utf8",
      );
      return { code: code.replace(factoryCall, () => JSON.stringify(source)), map: null };
    },
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy(), tfjsWasmThreads()],
  // zod without its eval-based compiler, which the CSP forbids (see the module).
  resolve: {
    alias: [
      { find: /^zod$/, replacement: fileURLToPath(new URL("./src/security/zodJitless.ts", import.meta.url)) },
    ],
  },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders, port: 4173, strictPort: true },
  worker: { format: "es", plugins: () => [tfjsWasmThreads()] },
  build: {
    target: "es2022",
    chunkSizeWarningLimit: 4000,
    // The harness page lets end-to-end tests reach the core on the real WebGPU adapter.
    rollupOptions: { input: { main: "index.html", harness: "e2e/harness.html" } },
  },
});
