import * as Comlink from "comlink";
import { create } from "zustand";
import type { SampleFilter } from "../ui/panels/samplesLogic.js";
import { upsertEvaluation } from "../ui/panels/samplesLogic.js";
import { labWorker } from "../worker/client.js";
import type { SampleEvaluation, SamplesRequest, SamplesTable } from "../worker/samplesApi.js";
import { useClipStore } from "./clipStore.js";

interface SamplesState {
  /** The sizes asked for in the form (applied by "Score samples now"). */
  heldoutN: number;
  trainN: number;
  table?: SamplesTable;
  /** Every scoring of the table, in step order (one per step). */
  evaluations: SampleEvaluation[];
  /** Step of the evaluation shown (undefined: the latest). */
  selectedStep?: number;
  filter: SampleFilter;
  /** Row index of the open detail view. */
  openRow?: number;
  busy?: string;
  progress?: { done: number; total: number };
  error?: string;
  setSizes(sizes: { heldoutN?: number; trainN?: number }): void;
  setFilter(changes: Partial<SampleFilter>): void;
  selectStep(step: number | undefined): void;
  openDetail(row: number | undefined): void;
  /** Loads the table if needed (or if the sizes changed), then scores it with the current model. */
  scoreNow(): Promise<void>;
  clear(): void;
}

function sameRequest(table: SamplesTable | undefined, request: SamplesRequest): boolean {
  return Boolean(
    table && table.request.heldoutN === request.heldoutN && table.request.trainN === request.trainN,
  );
}

export const useSamplesStore = create<SamplesState>((set, get) => ({
  heldoutN: 200,
  trainN: 50,
  evaluations: [],
  filter: { type: "all", violatedOnly: false, sort: "hardest", split: "all" },
  setSizes: (sizes) => set(sizes),
  setFilter: (changes) => set((s) => ({ filter: { ...s.filter, ...changes } })),
  selectStep: (step) => set({ selectedStep: step }),
  openDetail: (row) => set({ openRow: row }),
  scoreNow: async () => {
    if (get().busy) return;
    set({ error: undefined });
    try {
      const { heldoutN, trainN } = get();
      let table = get().table;
      if (!sameRequest(table, { heldoutN, trainN })) {
        set({ busy: "Rendering samples…" });
        table = await labWorker().sampleTable({ heldoutN, trainN });
        set({ table, evaluations: [], selectedStep: undefined, openRow: undefined });
      }
      set({ busy: "Scoring samples…", progress: { done: 0, total: table!.rows.length } });
      const onProgress = (done: number, total: number) => set({ progress: { done, total } });
      const evaluation = await labWorker().scoreSamples(table!.request, Comlink.proxy(onProgress));
      set((s) => {
        // Another run on already-trained weights restarts the step count: older points no longer compare.
        const kept = s.evaluations.filter((e) => e.run === evaluation.run);
        return { evaluations: upsertEvaluation(kept, evaluation), selectedStep: undefined };
      });
    } catch (e) {
      set({ error: e instanceof Error ? e.message : String(e) });
    } finally {
      set({ busy: undefined, progress: undefined });
    }
  },
  clear: () => set({ table: undefined, evaluations: [], selectedStep: undefined, openRow: undefined }),
}));

/** The evaluation on screen: the selected step's, else the latest. */
export function shownEvaluation(s: Pick<SamplesState, "evaluations" | "selectedStep">) {
  if (s.evaluations.length === 0) return undefined;
  return s.evaluations.find((e) => e.step === s.selectedStep) ?? s.evaluations[s.evaluations.length - 1];
}

useClipStore.subscribe((s, prev) => {
  if (s.model !== prev.model)
    useSamplesStore.setState({
      evaluations: [],
      selectedStep: undefined,
      openRow: undefined,
      error: undefined,
    });
});
