import { useClipStore } from "../state/clipStore.js";

export function BackendBadge() {
  const backend = useClipStore((s) => s.backend);
  if (!backend) return <p className="muted">Backend: starting…</p>;
  const adapter = backend.adapter;
  return (
    <div className="backend" data-testid="backend-badge">
      <p>
        Backend: <strong data-testid="backend-name">{backend.backend}</strong>
        {backend.detail && <span data-testid="backend-detail"> ({backend.detail})</span>}
        {adapter && (
          <>
            {" "}
            · GPU adapter:{" "}
            <span data-testid="adapter-name">
              {[adapter.vendor, adapter.architecture, adapter.device, adapter.description]
                .filter(Boolean)
                .join(" ")}
            </span>
            {adapter.isSoftware && <span className="warn"> (software-emulated: slow for training)</span>}
          </>
        )}
      </p>
      {backend.fallbacks.length > 0 && (
        <ul className="muted">
          {backend.fallbacks.map((f) => (
            <li key={f.backend}>
              {f.backend} not used: {f.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
