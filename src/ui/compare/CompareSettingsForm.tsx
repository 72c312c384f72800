import { BENCHMARK_SIZES } from "../../state/benchmarkStore.js";
import type { CompareSettings } from "../../state/compareQueue.js";

interface FieldProps {
  label: string;
  title: string;
  value: number;
  min: number;
  disabled: boolean;
  onChange(value: number): void;
}

/** An integer field that only reports whole numbers at or above `min` (others are left unapplied). */
function IntegerField({ label, title, value, min, disabled, onChange }: FieldProps) {
  return (
    <label title={title}>
      {label}
      <input
        type="number"
        min={min}
        step={1}
        value={value}
        disabled={disabled}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (e.target.value !== "" && Number.isInteger(v) && v >= min) onChange(v);
        }}
      />
    </label>
  );
}

/** Steps, batch, seed and evaluation settings shared by the runs queued next. */
export function CompareSettingsForm({
  settings,
  onChange,
  disabled,
}: {
  settings: CompareSettings;
  onChange(patch: Partial<CompareSettings>): void;
  disabled: boolean;
}) {
  return (
    <fieldset>
      <legend>Shared settings (for runs added from now on)</legend>
      <div className="hn-controls">
        <IntegerField
          label="Steps"
          title="Optimizer steps of every run"
          value={settings.steps}
          min={1}
          disabled={disabled}
          onChange={(steps) => onChange({ steps })}
        />
        <IntegerField
          label="Batch size"
          title="Image-caption pairs per step"
          value={settings.batchSize}
          min={1}
          disabled={disabled}
          onChange={(batchSize) => onChange({ batchSize })}
        />
        <IntegerField
          label="Data seed"
          title="Seed of the data order: the same for every run"
          value={settings.seed}
          min={Number.MIN_SAFE_INTEGER}
          disabled={disabled}
          onChange={(seed) => onChange({ seed })}
        />
        <IntegerField
          label="Evaluate every"
          title="Held-out evaluation (100 scenes) every n steps for the accuracy curves; 0: only the final evaluation"
          value={settings.evalEvery}
          min={0}
          disabled={disabled}
          onChange={(evalEvery) => onChange({ evalEvery })}
        />
        <label title="Held-out scenes of the final evaluation">
          Final held-out scenes
          <select
            value={settings.heldoutN}
            disabled={disabled}
            onChange={(e) => onChange({ heldoutN: Number(e.target.value) })}
          >
            {BENCHMARK_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
    </fieldset>
  );
}
