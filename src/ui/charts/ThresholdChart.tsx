import { useDeferredValue, useMemo } from "react";
import { SHAPES_CURE_OBJECTIVE } from "../../core/train/recipes.js";
import type { StepEvent } from "../../worker/trainingApi.js";
import { ChartFrame } from "./ChartFrame.js";
import { HELD_AT_ZERO, typesHeldAtZero } from "./heldAtZero.js";
import { LinePlot, type LineSpec } from "./LinePlot.js";
import {
  buildRows,
  countTypes,
  formatNumber,
  negativeTypeLabel,
  type SeriesSpec,
  seriesTable,
  typeColor,
} from "./series.js";

const step = (e: StepEvent) => e.step;

export function thresholdSeries(numTypes: number): SeriesSpec<StepEvent>[] {
  return Array.from({ length: numTypes }, (_, k) => [
    {
      key: `theta_${k}`,
      label: `θ ${negativeTypeLabel(k)}`,
      color: typeColor(k),
      value: (e: StepEvent) => e.terms[`theta_${k}`],
    },
    {
      key: `gap_${k}`,
      label: `gap ${negativeTypeLabel(k)}`,
      color: typeColor(k),
      dashed: true,
      value: (e: StepEvent) => e.terms[`gap_${k}`],
    },
  ]).flat();
}

const SCALE: SeriesSpec<StepEvent> = {
  key: "scale",
  label: "logit scale",
  color: "#000",
  value: (e) => e.logitScale,
};

/**
 * CE-CLIP's curriculum: the adaptive threshold theta_k per negative type next to the mean
 * positive-negative gap g_i - h_ik of that type, both in logit units.
 */
export function ThresholdChart({ history, upperBound }: { history: StepEvent[]; upperBound?: number }) {
  const records = useDeferredValue(history);
  const last = records[records.length - 1];
  const numTypes = last ? countTypes([last.terms], "theta") : 0;
  const series = useMemo(() => thresholdSeries(numTypes), [numTypes]);
  const rows = useMemo(() => buildRows(records, step, series, { extra: [SCALE] }), [records, series]);
  const heldAtZero = useMemo(() => typesHeldAtZero(records, numTypes), [records, numTypes]);
  const lines: LineSpec[] = series.map((s) => ({
    key: s.key,
    label: s.label,
    color: s.color,
    dashed: s.dashed,
  }));
  const empty =
    records.length === 0
      ? "No steps yet: start a run."
      : numTypes === 0
        ? "This objective has no adaptive thresholds (choose CE-CLIP)."
        : undefined;
  return (
    <ChartFrame
      id="thresholds"
      title="Adaptive thresholds and gaps"
      description={
        <>
          Solid: threshold θ<sub>k</sub> per negative type; dashed: the batch's mean gap between the positive
          and the type-k negative (logit units). As the gap grows, θ<sub>k</sub> rises and the rank loss asks
          for a larger margin: the curriculum.
        </>
      }
      csv={() => seriesTable(history, "step", step, [...series, SCALE])}
      legend={lines}
      empty={empty}
    >
      <LinePlot
        rows={rows}
        lines={lines}
        height={280}
        yLabel="logit units"
        references={upperBound !== undefined ? [{ y: upperBound, label: "upper bound" }] : []}
        tooltipValue={(v, _key, row) => {
          const scale = row.scale;
          return typeof scale === "number" && scale > 0
            ? `${formatNumber(v)} (cosine ${formatNumber(v / scale)})`
            : formatNumber(v);
        }}
        summary={`Thresholds and gaps of ${numTypes} negative types over ${records.length} steps`}
      />
      {heldAtZero.length > 0 && (
        <p className="chart-note" role="note" data-testid="held-at-zero">
          <strong>{`Held at zero: ${heldAtZero.map(negativeTypeLabel).join(", ")}.`}</strong> Threshold and
          gap have stayed within {HELD_AT_ZERO.below} logit of 0 for {HELD_AT_ZERO.steps} steps: the type is
          at chance, so the adaptive rule asks no margin, and a rank loss without margin pulls a caption and
          such a negative back together while the image cannot yet tell them apart. A fixed threshold (
          {SHAPES_CURE_OBJECTIVE.objectiveOptions.fixedThreshold} in the Shapes-world cure recipe) makes every
          pair violate and pushes them all apart.
        </p>
      )}
    </ChartFrame>
  );
}
