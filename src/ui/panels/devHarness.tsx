// TEMPORARY dev harness (deleted after the check).
import { createRoot } from "react-dom/client";
import { useClipStore } from "../../state/clipStore.js";
import { useProbeStore } from "../../state/probeStore.js";
import { BenchmarkPanel } from "../BenchmarkPanel.js";
import { ExportPanel } from "../ExportPanel.js";
import { ProbePanel } from "../ProbePanel.js";
import { SamplesPanel } from "../SamplesPanel.js";
import "../app.css";

function Harness() {
  const { model, busy, error, loadBundledModel, initBackend } = useClipStore();
  const requested = useProbeStore((s) => s.requestedTab);
  return (
    <main>
      <h1>Harness</h1>
      <button type="button" onClick={() => void initBackend().then(loadBundledModel)}>
        Load the bundled tiny CLIP
      </button>
      {busy && <p>{busy}</p>}
      {error && <p>{error}</p>}
      {model && (
        <p data-testid="model-summary">
          {model.name} {model.parameters} parameters
        </p>
      )}
      <p data-testid="requested-tab">{requested ?? "none"}</p>
      <ProbePanel />
      <BenchmarkPanel />
      <SamplesPanel onOpenProbe={() => (document.title = "probe opened")} />
      <ExportPanel />
    </main>
  );
}
createRoot(document.getElementById("root")!).render(<Harness />);
