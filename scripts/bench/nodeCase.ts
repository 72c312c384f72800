/**
 * One Node benchmark case in its own process: reads {backend, spec} as JSON on stdin,
 * prints {results, wasm} as JSON on stdout (results: [fast] or [fast, straightforward], see
 * benchPaths). A fresh process per case keeps the cases independent: the wasm heap never
 * shrinks, and after the earlier cases the large one ran out of it. backend "webgpu" is
 * Node's WebGPU through Dawn (src/cli/backend.ts).
 */
import { selectNodeBackend } from "../../src/cli/backend.js";
import { benchPaths, type StepBenchSpec } from "../../src/core/train/benchStep.js";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const { backend, spec } = JSON.parse(await readStdin()) as { backend: string; spec: StepBenchSpec };
try {
  await selectNodeBackend(backend);
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}
const tf = await import("@tensorflow/tfjs");
const results = await benchPaths(spec);
const wasm =
  backend === "wasm"
    ? {
        simd: await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"),
        threads: await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT"),
      }
    : undefined;
process.stdout.write(`${JSON.stringify({ results, wasm })}\n`);
