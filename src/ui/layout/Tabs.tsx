import { type KeyboardEvent, type ReactNode, useRef } from "react";

export interface TabSpec {
  id: string;
  label: string;
  render: () => ReactNode;
}

interface TabsProps {
  tabs: TabSpec[];
  selected: string;
  onSelect(id: string): void;
  /** Accessible name of the tab list. */
  label: string;
}

/**
 * WAI-ARIA tabs with automatic activation: Left/Right (and Up/Down) move to the previous or
 * next tab, Home/End to the first or last; only the selected tab is in the tab order and
 * only its panel is rendered.
 */
export function Tabs({ tabs, selected, onSelect, label }: TabsProps) {
  const refs = useRef(new Map<string, HTMLButtonElement>());
  const current = tabs.find((t) => t.id === selected) ?? tabs[0];
  const move = (to: number) => {
    const tab = tabs[(to + tabs.length) % tabs.length];
    onSelect(tab.id);
    refs.current.get(tab.id)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    let target: number;
    switch (e.key) {
      case "ArrowRight":
      case "ArrowDown":
        target = index + 1;
        break;
      case "ArrowLeft":
      case "ArrowUp":
        target = index - 1;
        break;
      case "Home":
        target = 0;
        break;
      case "End":
        target = tabs.length - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    move(target);
  };
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} className="tablist">
        {tabs.map((t, i) => {
          const active = t.id === current?.id;
          return (
            <button
              key={t.id}
              ref={(el) => {
                if (el) refs.current.set(t.id, el);
                else refs.current.delete(t.id);
              }}
              type="button"
              role="tab"
              id={`tab-${t.id}`}
              aria-selected={active}
              aria-controls={`panel-${t.id}`}
              tabIndex={active ? 0 : -1}
              className={active ? "tab active" : "tab"}
              onClick={() => onSelect(t.id)}
              onKeyDown={(e) => onKeyDown(e, i)}
            >
              {t.label}
            </button>
          );
        })}
      </div>
      {current && (
        <div
          role="tabpanel"
          id={`panel-${current.id}`}
          aria-labelledby={`tab-${current.id}`}
          className="tabpanel"
        >
          {current.render()}
        </div>
      )}
    </div>
  );
}
