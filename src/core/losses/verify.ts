import * as tf from "@tensorflow/tfjs";
import { type FixtureCase, fixtureFileSchema, flattenNested, tensorFromFixture } from "./fixtures/adapter.js";
import { adapterForCase } from "./fixtures/index.js";

/**
 * Checks an objective against a reference-case file (test/fixtures/losses/*.json): every
 * expected loss term and state value, and the gradient of the total w.r.t. each raw input.
 */

/** A loss or threshold fails when |ours - ref| > LOSS_TOLERANCE * max(1, |ref|). */
export const LOSS_TOLERANCE = 1e-4;
/** A gradient element fails when |ours - ref| / max(|ref|, GRAD_FLOOR) > GRAD_TOLERANCE. */
export const GRAD_TOLERANCE = 1e-3;
export const GRAD_FLOOR = 1e-3;

export interface TermDiff {
  kind: "loss" | "grad";
  maxAbs: number;
  /** Largest normalised difference: |d| / max(1, |ref|) for losses, |d| / max(|ref|, 1e-3) for gradients. */
  maxRel: number;
  pass: boolean;
  note?: string;
}

export interface CaseResult {
  index: number;
  objective: string;
  maxAbsLossDiff: number;
  maxRelLossDiff: number;
  maxAbsGradDiff: number;
  maxRelGradDiff: number;
  pass: boolean;
  /** Per expected name, and `grad.<input>` per gradient. */
  details: Record<string, TermDiff>;
}

export interface VerifyResult {
  cases: CaseResult[];
  pass: boolean;
}

function compare(ours: ArrayLike<number> | undefined, reference: unknown, kind: TermDiff["kind"]): TermDiff {
  const failed = (note: string): TermDiff => ({
    kind,
    maxAbs: Number.NaN,
    maxRel: Number.NaN,
    pass: false,
    note,
  });
  if (!ours) return failed("not computed");
  let ref: number[];
  try {
    ref = flattenNested(reference);
  } catch {
    return failed("reference is not numeric");
  }
  if (ref.length !== ours.length) return failed(`size ${ours.length}, reference ${ref.length}`);
  let maxAbs = 0;
  let maxRel = 0;
  for (let j = 0; j < ref.length; j++) {
    const abs = Math.abs(ours[j] - ref[j]);
    const rel =
      kind === "loss" ? abs / Math.max(1, Math.abs(ref[j])) : abs / Math.max(Math.abs(ref[j]), GRAD_FLOOR);
    // NaN (ours) must fail: Math.max would propagate it, so track it explicitly.
    maxAbs = Number.isNaN(abs) || abs > maxAbs ? abs : maxAbs;
    maxRel = Number.isNaN(rel) || rel > maxRel ? rel : maxRel;
    if (Number.isNaN(maxAbs)) break;
  }
  const tolerance = kind === "loss" ? LOSS_TOLERANCE : GRAD_TOLERANCE;
  return { kind, maxAbs, maxRel, pass: maxRel <= tolerance };
}

/** Reads tensors back asynchronously: on WebGPU, tfjs 4.22's dataSync can return zeros. */
async function readAll(
  tensors: Record<string, tf.Tensor | undefined>,
): Promise<Record<string, Float32Array>> {
  const entries = await Promise.all(
    Object.entries(tensors)
      .filter((e): e is [string, tf.Tensor] => e[1] !== undefined)
      .map(async ([name, t]) => [name, (await t.data()) as Float32Array] as const),
  );
  return Object.fromEntries(entries);
}

async function verifyCase(fixtureCase: FixtureCase, index: number): Promise<CaseResult> {
  const adapter = adapterForCase(fixtureCase);
  const leaves: Record<string, tf.Tensor> = {};
  for (const name of adapter.differentiableInputs) {
    leaves[name] = tensorFromFixture(fixtureCase.inputs[name], `inputs.${name}`);
  }
  const prepared = adapter.prepare(fixtureCase);
  const details: Record<string, TermDiff> = {};
  const gradNames = Object.keys(fixtureCase.grad);
  const differentiable = gradNames.filter((name) => name in leaves);
  let computed: Record<string, tf.Tensor> = {};
  try {
    computed = tf.tidy(() => {
      const outputs = prepared.outputs(leaves);
      const totalOf = (...xs: tf.Tensor[]) =>
        prepared.total({ ...leaves, ...Object.fromEntries(differentiable.map((name, j) => [name, xs[j]])) });
      const grads = tf.grads(totalOf)(differentiable.map((name) => leaves[name]));
      const kept: Record<string, tf.Tensor> = {};
      for (const name of Object.keys(fixtureCase.expected)) if (outputs[name]) kept[name] = outputs[name];
      differentiable.forEach((name, j) => {
        kept[`grad.${name}`] = grads[j];
      });
      return kept;
    });
    const values = await readAll(computed);
    for (const [name, reference] of Object.entries(fixtureCase.expected)) {
      details[name] = compare(values[name], reference, "loss");
    }
    for (const name of gradNames)
      details[`grad.${name}`] = compare(values[`grad.${name}`], fixtureCase.grad[name], "grad");
  } finally {
    prepared.dispose();
    tf.dispose(leaves);
    tf.dispose(computed);
  }
  const diffs = Object.values(details);
  const worst = (kind: TermDiff["kind"], key: "maxAbs" | "maxRel") =>
    diffs
      .filter((d) => d.kind === kind)
      .reduce((m, d) => (Number.isNaN(d[key]) || d[key] > m ? d[key] : m), 0);
  return {
    index,
    objective: adapter.objective,
    maxAbsLossDiff: worst("loss", "maxAbs"),
    maxRelLossDiff: worst("loss", "maxRel"),
    maxAbsGradDiff: worst("grad", "maxAbs"),
    maxRelGradDiff: worst("grad", "maxRel"),
    pass: diffs.every((d) => d.pass),
    details,
  };
}

/** Verifies every case of a reference file; throws when the file is not in a known format. */
export async function verifyObjectiveCases(fileJson: unknown): Promise<VerifyResult> {
  const file = fixtureFileSchema.parse(fileJson);
  const cases: CaseResult[] = [];
  for (const [i, c] of file.cases.entries()) cases.push(await verifyCase(c, i));
  return { cases, pass: cases.every((c) => c.pass) };
}
