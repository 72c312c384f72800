import { useCallback, useEffect, useState } from "react";
import { useClipStore } from "../state/clipStore.js";
import { useProbeStore } from "../state/probeStore.js";
import { startRecovery } from "../state/recoveryStore.js";
import { hydrateTrainingStore } from "../state/trainingStore.js";
import { BackendBadge } from "./BackendBadge.js";
import { BenchmarkPanel } from "./BenchmarkPanel.js";
import { ComparePanel } from "./compare/ComparePanel.js";
import { DataPanel } from "./DataPanel.js";
import { ExportPanel } from "./ExportPanel.js";
import { ModelPicker } from "./layout/ModelPicker.js";
import { bootstrapModel } from "./layout/modelActions.js";
import { RunConfigForm } from "./layout/RunConfigForm.js";
import { type TabSpec, Tabs } from "./layout/Tabs.js";
import { ProbePanel } from "./ProbePanel.js";
import { RecoveryBanner } from "./RecoveryBanner.js";
import { SamplesPanel } from "./SamplesPanel.js";
import { SimilarityProbe } from "./SimilarityProbe.js";
import { TrainObjectiveCharts } from "./TrainObjectiveCharts.js";
import { TrainPanel } from "./TrainPanel.js";

/** The main area's panels, in tab order. */
const panels: TabSpec[] = [
  {
    id: "train",
    label: "Train",
    render: () => (
      <>
        <RecoveryBanner />
        <TrainPanel />
        <TrainObjectiveCharts />
      </>
    ),
  },
  { id: "samples", label: "Samples", render: () => <SamplesPanel /> },
  {
    id: "probe",
    label: "Probe",
    render: () => (
      <>
        <ProbePanel />
        <SimilarityProbe />
      </>
    ),
  },
  { id: "benchmark", label: "Benchmark", render: () => <BenchmarkPanel /> },
  { id: "compare", label: "Compare", render: () => <ComparePanel /> },
  { id: "data", label: "Data", render: () => <DataPanel /> },
  { id: "export", label: "Export", render: () => <ExportPanel /> },
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
    void startRecovery();
  }, []);
  const selectTab = useCallback((id: string) => {
    setTab(id);
    history.replaceState(history.state, "", `${location.pathname}${location.search}#${id}`);
  }, []);
  // "Probe this" in the Samples panel asks for the Probe tab.
  const requestedTab = useProbeStore((s) => s.requestedTab);
  useEffect(() => {
    if (!requestedTab) return;
    selectTab(requestedTab);
    useProbeStore.getState().consumeRequestedTab();
  }, [requestedTab, selectTab]);
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
