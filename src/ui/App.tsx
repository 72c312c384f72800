import { useEffect, useState } from "react";
import { useClipStore } from "../state/clipStore.js";
import { hydrateTrainingStore } from "../state/trainingStore.js";
import { BackendBadge } from "./BackendBadge.js";
import { DataPanel } from "./DataPanel.js";
import { ModelPicker } from "./layout/ModelPicker.js";
import { bootstrapModel } from "./layout/modelActions.js";
import { RunConfigForm } from "./layout/RunConfigForm.js";
import { type TabSpec, Tabs } from "./layout/Tabs.js";
import { SimilarityProbe } from "./SimilarityProbe.js";
import { TrainPanel } from "./TrainPanel.js";

// PANELS FROM THE OTHER HELPER (lead: import them here and swap them into `panels` below):
// import { SamplesPanel } from "./SamplesPanel.js";
// import { ProbePanel } from "./ProbePanel.js";
// import { BenchmarkPanel } from "./BenchmarkPanel.js";
// import { ExportPanel } from "./ExportPanel.js";

function Placeholder({ name }: { name: string }) {
  return (
    <section aria-labelledby={`placeholder-${name}`} className="panel">
      <h2 id={`placeholder-${name}`}>{name}</h2>
      <p className="muted">Coming soon.</p>
    </section>
  );
}

/** The main area's panels, in tab order. */
const panels: TabSpec[] = [
  { id: "train", label: "Train", render: () => <TrainPanel /> },
  { id: "samples", label: "Samples", render: () => <Placeholder name="Samples" /> }, // TODO(lead): <SamplesPanel />
  { id: "probe", label: "Probe", render: () => <SimilarityProbe /> }, // TODO(lead): <ProbePanel />
  { id: "benchmark", label: "Benchmark", render: () => <Placeholder name="Benchmark" /> }, // TODO(lead): <BenchmarkPanel />
  { id: "data", label: "Data", render: () => <DataPanel /> },
  { id: "export", label: "Export", render: () => <Placeholder name="Export" /> }, // TODO(lead): <ExportPanel />
];

/** The tab named in the URL hash (#probe), else Train. */
function tabFromHash(): string {
  const id = typeof location === "undefined" ? "" : location.hash.slice(1);
  return panels.some((p) => p.id === id) ? id : panels[0].id;
}

export function App() {
  const busy = useClipStore((s) => s.busy);
  const error = useClipStore((s) => s.error);
  const [tab, setTab] = useState(tabFromHash);
  useEffect(() => {
    void bootstrapModel();
    void hydrateTrainingStore();
  }, []);
  const selectTab = (id: string) => {
    setTab(id);
    history.replaceState(history.state, "", `${location.pathname}${location.search}#${id}`);
  };
  return (
    <div className="app">
      <header className="app-header">
        <div>
          <h1>HardNeg Lab</h1>
          <p className="muted">
            Fine-tune CLIP with hard negatives in your browser. Nothing leaves this tab.
          </p>
        </div>
        <BackendBadge />
      </header>
      <div className="layout">
        <aside className="sidebar" aria-label="Model and run configuration">
          <ModelPicker />
          <RunConfigForm />
        </aside>
        <main className="main">
          {busy && (
            <p role="status" data-testid="busy" className="busy">
              {busy}
            </p>
          )}
          {error && (
            <p role="alert" className="error" data-testid="error">
              {error}
            </p>
          )}
          <Tabs tabs={panels} selected={tab} onSelect={selectTab} label="Panels" />
        </main>
      </div>
    </div>
  );
}
