import { useEffect, useId, useRef, useState } from "react";
import {
  isNegativeGeneratorType,
  NEGATIVE_GENERATOR_LABELS,
  NEGATIVE_GENERATOR_TYPES,
  type NegativeGeneratorType,
} from "../../core/negatives/index.js";
import { type UploadDataset, useDataStore } from "../../state/dataStore.js";

function SlotRow({
  itemId,
  slot,
  text,
  source,
}: {
  itemId: string;
  slot: string;
  text: string;
  source: string;
}) {
  const edit = useDataStore((s) => s.edit);
  const [draft, setDraft] = useState(text);
  useEffect(() => setDraft(text), [text]);
  const label = isNegativeGeneratorType(slot)
    ? `${slot}: ${NEGATIVE_GENERATOR_LABELS[slot]}`
    : `${slot}: your negative`;
  return (
    <li data-testid="negative-slot" data-slot={slot}>
      <label>
        {label} <span className="muted hn-small">({source === "none" ? "empty" : source})</span>
        <input
          type="text"
          className="hn-caption-input"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") void edit(itemId, { kind: "set", slot, text: draft });
          }}
        />
      </label>
      <button
        type="button"
        className="small"
        disabled={draft.trim() === text.trim()}
        onClick={() => void edit(itemId, { kind: "set", slot, text: draft })}
      >
        Save<span className="hn-visually-hidden"> {slot}</span>
      </button>
      <button
        type="button"
        className="small"
        disabled={source === "none" && text === ""}
        onClick={() => void edit(itemId, { kind: "delete", slot })}
      >
        Delete<span className="hn-visually-hidden"> {slot}</span>
      </button>
    </li>
  );
}

/**
 * One pair's negatives, editable: what the user writes wins over the generator's text for
 * that type; a deleted generated negative stays deleted; added ones get their own slot.
 */
export function NegativeEditor({
  dataset,
  itemId,
  onClose,
}: {
  dataset: UploadDataset;
  itemId: string;
  onClose: () => void;
}) {
  const edit = useDataStore((s) => s.edit);
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [type, setType] = useState<NegativeGeneratorType | "">("");
  const [text, setText] = useState("");
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus moves here when another pair is chosen
  useEffect(() => headingRef.current?.focus(), [itemId]);
  const item = dataset.items.find((i) => i.id === itemId);
  if (!item) return null;
  const add = () => {
    if (text.trim() === "") return;
    void edit(itemId, { kind: "add", type: type === "" ? null : type, text });
    setText("");
  };
  return (
    <section aria-labelledby={headingId} className="hn-editor" data-testid="negative-editor">
      <h4 id={headingId} ref={headingRef} tabIndex={-1}>
        Negatives of “{item.caption}”
      </h4>
      <p className="muted hn-small">
        {item.image} · {item.id}. Your negatives take precedence over generated ones; deleting a generated one
        masks its type for this pair.
      </p>
      <ul className="hn-slots">
        {dataset.negativeTypeNames.map((slot, k) => (
          <SlotRow
            key={slot}
            itemId={itemId}
            slot={slot}
            text={item.negatives[k] ?? ""}
            source={item.negativeSources[k] ?? "none"}
          />
        ))}
      </ul>
      <div className="hn-controls">
        <label>
          Type of the new negative
          <select value={type} onChange={(e) => setType(e.target.value as NegativeGeneratorType | "")}>
            <option value="">untyped (its own slot)</option>
            {NEGATIVE_GENERATOR_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          New negative
          <input
            type="text"
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && add()}
          />
        </label>
        <button type="button" onClick={add} disabled={text.trim() === ""}>
          Add negative
        </button>
        <button type="button" className="small" onClick={onClose}>
          Close editor
        </button>
      </div>
    </section>
  );
}
