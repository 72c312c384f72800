import { useEffect } from "react";
import { useClipStore } from "../state/clipStore.js";
import { BackendBadge } from "./BackendBadge.js";
import { ModelLoader } from "./ModelLoader.js";
import { SimilarityProbe } from "./SimilarityProbe.js";
import { TrainPanel } from "./TrainPanel.js";

export function App() {
  const { initBackend, busy, error } = useClipStore();
  useEffect(() => {
    void initBackend();
  }, [initBackend]);
  return (
    <main>
      <header>
        <h1>HardNeg Lab</h1>
        <p className="muted">Fine-tune CLIP with hard negatives in your browser. Nothing leaves this tab.</p>
        <BackendBadge />
      </header>
      {busy && (
        <p role="status" data-testid="busy">
          {busy}
        </p>
      )}
      {error && (
        <p role="alert" className="error" data-testid="error">
          {error}
        </p>
      )}
      <ModelLoader />
      <TrainPanel />
      <SimilarityProbe />
    </main>
  );
}
