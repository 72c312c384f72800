import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
import { type UploadDataset, useDataStore } from "../../state/dataStore.js";

const THUMB = 64;

/**
 * The upload's pairs, virtualised (only the visible rows exist): thumbnail, caption and the
 * negatives with their types and sources. Captions are rendered as text, never as HTML.
 */
export function PreviewGrid({
  dataset,
  selected,
  onSelect,
}: {
  dataset: UploadDataset;
  selected?: string;
  onSelect: (itemId: string) => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const thumbnails = useDataStore((s) => s.thumbnails);
  const loadThumbnails = useDataStore((s) => s.loadThumbnails);
  const { items, negativeTypeNames } = dataset;
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => Math.max(THUMB + 12, 28 + 20 * (items[i]?.negativeMask.filter(Boolean).length ?? 0)),
    overscan: 4,
    getItemKey: (i) => items[i]?.id ?? i,
  });
  const visible = virtualizer.getVirtualItems();
  const visibleNames = visible
    .map((v) => items[v.index]?.image)
    .filter(Boolean)
    .join("\n");
  useEffect(() => {
    if (visibleNames) void loadThumbnails(visibleNames.split("\n"));
  }, [visibleNames, loadThumbnails]);
  return (
    <div ref={scrollRef} className="hn-preview" data-testid="upload-preview">
      <ul
        aria-label={`Uploaded pairs (${items.length})`}
        className="hn-preview-list"
        style={{ height: virtualizer.getTotalSize(), position: "relative" }}
      >
        {visible.map((v) => {
          const item = items[v.index];
          return (
            <li
              key={v.key}
              data-index={v.index}
              ref={virtualizer.measureElement}
              className={`hn-preview-item${item.id === selected ? " hn-selected" : ""}`}
              data-testid="upload-item"
              style={{
                position: "absolute",
                top: 0,
                left: 0,
                right: 0,
                transform: `translateY(${v.start}px)`,
              }}
            >
              {thumbnails[item.image] ? (
                <img
                  src={thumbnails[item.image]}
                  alt={`thumbnail of ${item.image}`}
                  width={THUMB}
                  height={THUMB}
                />
              ) : (
                <span className="hn-thumb-empty" style={{ width: THUMB, height: THUMB }} aria-hidden="true" />
              )}
              <div className="hn-preview-text">
                <div data-testid="upload-caption">{item.caption}</div>
                <ul className="hn-neg-list">
                  {item.negatives.map((text, k) =>
                    item.negativeMask[k] ? (
                      <li key={negativeTypeNames[k]}>
                        <span className="hn-type">{negativeTypeNames[k]}</span>
                        <span className="hn-text">{text}</span>
                        <span className="muted hn-small">{item.negativeSources[k]}</span>
                      </li>
                    ) : null,
                  )}
                </ul>
                <span className="muted hn-small">
                  {item.image} · {item.id}
                </span>
              </div>
              <button type="button" className="small" onClick={() => onSelect(item.id)}>
                Edit negatives<span className="hn-visually-hidden"> of {item.caption}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
