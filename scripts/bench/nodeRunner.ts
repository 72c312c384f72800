import { spawn } from "node:child_process";
import { join } from "node:path";
import type { StepBenchResult, StepBenchSpec } from "../../src/core/train/benchStep.js";

export interface NodeCaseOutput {
  /** [fast] or [fast, straightforward] (benchPaths). */
  results: StepBenchResult[];
  wasm?: { simd: boolean; threads: boolean };
}

/** Runs one case in a child Node (same tsx loader as this process); see nodeCase.ts. */
export function runNodeCase(backend: string, spec: StepBenchSpec): Promise<NodeCaseOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, join(import.meta.dirname, "nodeCase.ts")], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const lastLine = stdout.trim().split("\n").pop() ?? "";
      if (code === 0 && lastLine.startsWith("{")) resolve(JSON.parse(lastLine) as NodeCaseOutput);
      else {
        const why = stderr.trim().split("\n").filter(Boolean).pop() ?? "no output";
        reject(new Error(`case process ended with ${signal ?? `exit code ${code}`}: ${why}`));
      }
    });
    child.stdin.end(JSON.stringify({ backend, spec }));
  });
}
