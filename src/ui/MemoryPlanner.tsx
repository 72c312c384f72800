import { useEffect, useId, useState } from "react";
import { formatBytes, type MemoryEstimate } from "../core/train/memoryPlanner.js";
import { useClipStore } from "../state/clipStore.js";
import { useTrainingStore } from "../state/trainingStore.js";
import { labWorker } from "../worker/client.js";

type PlanResult = Awaited<ReturnType<ReturnType<typeof labWorker>["memoryPlan"]>>;

const GIB = 1024 ** 3;

function estimateRows(e: MemoryEstimate): [string, number][] {
  const { text, vision } = e.activations;
  const tower = (t: typeof text, what: string) =>
    `Activations, ${t.tower}: ${t.sequences} ${what} × ${t.length} tokens, gradient through ${t.backpropLayers} of ${t.layers} layers`;
  const rows: [string, number][] = [
    [
      `Weights: ${e.parameterCount.toLocaleString()} parameters${e.loraParameterCount ? ` + ${e.loraParameterCount.toLocaleString()} LoRA` : ""}`,
      e.parameterBytes,
    ],
    [`Gradients: ${e.trainableCount.toLocaleString()} trainable`, e.gradientBytes],
    ["AdamW moments and decay mask", e.optimizerStateBytes],
  ];
  if (e.teacherBytes > 0) rows.push(["EMA teacher (a copy of the weights)", e.teacherBytes]);
  rows.push(
    [tower(text, "texts"), text.bytes],
    [tower(vision, "images"), vision.bytes],
    ["AdamW update (transient)", e.optimizerStepBytes],
  );
  return rows;
}

/**
 * The memory planner: what a run of the current configuration needs (weights, gradients,
 * AdamW, activations at the chosen batch) against the backend's limits, what tf.memory()
 * measures now, and one-click changes when it does not fit.
 */
export function MemoryPlanner() {
  const config = useTrainingStore((s) => s.config);
  const setField = useTrainingStore((s) => s.setField);
  useTrainingStore((s) => s.step); // re-render as steps come in (the tick below re-measures)
  const status = useTrainingStore((s) => s.status);
  const model = useClipStore((s) => s.model);
  const [deviceGiB, setDeviceGiB] = useState<number>();
  const [result, setResult] = useState<PlanResult>();
  const [error, setError] = useState<string>();
  const headingId = useId();
  const memoryId = useId();
  // Re-plan on a new configuration, model or budget; re-measure as steps come in (at most every 2 s).
  const tick = Math.floor(Date.now() / 2000);
  // biome-ignore lint/correctness/useExhaustiveDependencies: status and tick only trigger a re-measure
  useEffect(() => {
    if (!model) return;
    const timer = setTimeout(() => {
      labWorker()
        .memoryPlan(config, { deviceMemory: deviceGiB === undefined ? undefined : deviceGiB * GIB })
        .then((r) => {
          setResult(r);
          setError(undefined);
        })
        .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    }, 250);
    return () => clearTimeout(timer);
  }, [config, model, deviceGiB, status, tick]);

  if (!model) return null;
  const plan = result?.plan;
  const measured = result?.measured;
  return (
    <section aria-labelledby={headingId} className="sidebar-section" data-testid="memory-planner">
      <h3 id={headingId}>Memory plan</h3>
      {error && <p className="error small">{error}</p>}
      {plan && measured && result && (
        <>
          <p data-testid="memory-fit" className={plan.fits ? "small" : "warn small"}>
            {plan.fits ? "Fits" : "Does not fit"}: a step peaks at about{" "}
            {formatBytes(plan.estimate.peakBytes)}, budget {formatBytes(plan.budgetBytes)}.
          </p>
          <table className="small">
            <tbody>
              {estimateRows(plan.estimate).map(([label, bytes]) => (
                <tr key={label}>
                  <td>{label}</td>
                  <td>{formatBytes(bytes)}</td>
                </tr>
              ))}
              <tr>
                <th scope="row">Between steps (estimate / measured)</th>
                <td data-testid="memory-resident">
                  {formatBytes(plan.estimate.residentBytes)} /{" "}
                  {formatBytes(measured.gpuBytesInUse ?? measured.numBytes)}
                </td>
              </tr>
              <tr>
                <th scope="row">
                  Peak of a step{measured.gpuBytesAllocated !== undefined ? " (/ GPU allocated)" : ""}
                </th>
                <td data-testid="memory-peak">
                  {formatBytes(plan.estimate.peakBytes)}
                  {measured.gpuBytesAllocated !== undefined
                    ? ` / ${formatBytes(measured.gpuBytesAllocated)}`
                    : ""}
                </td>
              </tr>
            </tbody>
          </table>
          <p className="muted small">
            Measured: tf.memory() on {measured.backend}, {measured.numTensors.toLocaleString()} tensors,{" "}
            {formatBytes(measured.numBytes)} of tensors (views counted again)
            {measured.gpuBytesInUse !== undefined
              ? `, ${formatBytes(measured.gpuBytesInUse)} of GPU buffers in use`
              : ""}
            . Largest buffer: {plan.estimate.largestBuffer.name},{" "}
            {formatBytes(plan.estimate.largestBuffer.bytes)}
            {result.limits.maxStorageBufferBindingSize !== undefined
              ? ` (binding limit ${formatBytes(result.limits.maxStorageBufferBindingSize)})`
              : ""}
            . Estimates follow tfjs's plain kernels (within 5 % of measured buffers on the cpu backend);
            WebGPU's fused kernels need less.
          </p>
          <label htmlFor={memoryId} title={result.limits.deviceMemorySource}>
            Memory available (GiB)
          </label>
          <input
            id={memoryId}
            type="number"
            min={0.25}
            step={0.25}
            value={deviceGiB ?? result.limits.deviceMemory / GIB}
            title={result.limits.deviceMemorySource}
            onChange={(e) => {
              const v = Number(e.target.value);
              if (Number.isFinite(v) && v > 0) setDeviceGiB(v);
            }}
          />
          {plan.problems.length > 0 && (
            <ul className="warnings small" data-testid="memory-problems">
              {plan.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          {plan.suggestions.length > 0 && (
            <ul className="small" data-testid="memory-suggestions">
              {plan.suggestions.map((s) => (
                <li key={s.label}>
                  {s.label} ({formatBytes(s.peakBytes)}){" "}
                  <button
                    type="button"
                    className="small"
                    disabled={status === "running" || status === "paused"}
                    onClick={() => {
                      for (const [path, value] of Object.entries(s.changes)) setField(path, value);
                    }}
                  >
                    Apply
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
