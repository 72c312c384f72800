import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Cross-origin isolation lets the wasm backend use threads (SharedArrayBuffer).
const isolationHeaders = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

export default defineConfig({
  plugins: [react()],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders, port: 4173, strictPort: true },
  worker: { format: "es" },
  build: {
    target: "es2022",
    chunkSizeWarningLimit: 4000,
    // The harness page lets end-to-end tests reach the core on the real WebGPU adapter.
    rollupOptions: { input: { main: "index.html", harness: "e2e/harness.html" } },
  },
  optimizeDeps: { exclude: ["@tensorflow/tfjs-backend-wasm"] },
});
