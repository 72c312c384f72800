import { useTrainingStore } from "../state/trainingStore.js";
import { ObjectiveCharts } from "./charts/index.js";
import { ImportedRunChart } from "./export/ImportedRunChart.js";
import { Later, STAGGER_MS, useStaggered } from "./stagger.js";

/**
 * The current run's objective-specific charts and "Other terms" (mounted under the Train
 * panel; inside TrainPanel's chart grid, `<ObjectiveCharts history={t.history}
 * objective={shownConfig.objective} />` is the same thing), and a run imported from scale/
 * beside this tab's run.
 */
export function TrainObjectiveCharts() {
  // After TrainPanel's five charts, in tasks of their own (./stagger.tsx).
  const history = useStaggered(
    useTrainingStore((s) => s.history),
    5 * STAGGER_MS,
  );
  const objective = useTrainingStore((s) => (s.runConfig ?? s.config).objective);
  return (
    <div className="charts" data-testid="objective-charts">
      <Later delayMs={5 * STAGGER_MS}>
        <ObjectiveCharts history={history} objective={objective} />
      </Later>
      <ImportedRunChart />
    </div>
  );
}
