import { useId } from "react";
import type { DataSource } from "../../state/runConfig.js";
import { useTrainingStore } from "../../state/trainingStore.js";

const BUILT_IN_CHOICES: { value: DataSource; label: string; title: string }[] = [
  {
    value: "shapes",
    label: "Built-in shapes world",
    title: "Scenes of 1-3 objects, the mix the benchmark uses",
  },
  {
    value: "shapes-two-objects",
    label: "Shapes world, two-object scenes",
    title:
      "Only two-object scenes, so every batch has swap and relation negatives: what npm run reproduce fine-tunes on",
  },
];

/** Which data the next training run uses (the run config's `data`; also in the sidebar). */
/** `uploadedPairs`: pairs of the stored dataset; null when none is stored, undefined while loading. */
export function DataSourceSelector({ uploadedPairs }: { uploadedPairs: number | null | undefined }) {
  const data = useTrainingStore((s) => s.config.data ?? "shapes");
  const setField = useTrainingStore((s) => s.setField);
  const active = useTrainingStore(
    (s) => s.status === "running" || s.status === "paused" || Boolean(s.preparing),
  );
  const name = useId();
  const choose = (value: DataSource) => setField("data", value);
  return (
    <fieldset data-testid="data-source">
      <legend>Training data</legend>
      {BUILT_IN_CHOICES.map((choice) => (
        <label className="hn-inline" key={choice.value} title={choice.title}>
          <input
            type="radio"
            name={name}
            value={choice.value}
            checked={data === choice.value}
            disabled={active}
            onChange={() => choose(choice.value)}
          />
          {choice.label}
        </label>
      ))}
      <label className="hn-inline">
        <input
          type="radio"
          name={name}
          value="upload"
          checked={data === "upload"}
          disabled={active || !uploadedPairs}
          onChange={() => choose("upload")}
        />
        Uploaded dataset {uploadedPairs ? `(${uploadedPairs} pairs)` : "(none yet)"}
      </label>
      {data === "upload" && uploadedPairs === null && (
        <p role="alert" className="warn">
          The run config asks for the uploaded dataset but none is stored: upload one below or choose the
          shapes world.
        </p>
      )}
      {active && <p className="muted hn-small">Stop the run to change its data.</p>}
    </fieldset>
  );
}
