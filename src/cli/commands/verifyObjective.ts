import { readFile } from "node:fs/promises";
import { parseCliArgs } from "../args.js";
import type { CliCommand } from "./types.js";

/**
 * `verify-objective <cases.json>`: checks our objective against a reference-case file
 * (test/fixtures/losses/*.json) on the tfjs cpu backend; prints per-case diffs as JSON and
 * exits 1 when any loss, threshold or gradient is out of tolerance.
 */
export const verifyObjectiveCommand: CliCommand = {
  summary: "check an objective's losses and gradients against a reference-case file",
  async run(args) {
    const { positionals } = parseCliArgs(args, {});
    const [path] = positionals;
    if (!path || positionals.length > 1) throw new Error("usage: verify-objective <cases.json>");
    const fileJson: unknown = JSON.parse(await readFile(path, "utf8"));

    const tf = await import("@tensorflow/tfjs");
    await tf.setBackend("cpu");
    await tf.ready();
    const { verifyObjectiveCases, LOSS_TOLERANCE, GRAD_TOLERANCE } = await import(
      "../../core/losses/verify.js"
    );

    const result = await verifyObjectiveCases(fileJson);
    const report = {
      file: path,
      pass: result.pass,
      tolerances: { loss: LOSS_TOLERANCE, grad: GRAD_TOLERANCE },
      cases: result.cases,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return result.pass ? 0 : 1;
  },
};
