import { create } from "zustand";
import type { Split } from "../core/data/shapesWorld/types.js";
import { labWorker } from "../worker/client.js";
import type { ProbeComparison, ProbeImageSource } from "../worker/probeApi.js";
import { useClipStore } from "./clipStore.js";

/** How the probe image was picked (the panel's radio group). */
export type ProbeImageMode = "heldout" | "scene" | "upload" | "sample";

export interface ProbeRow {
  text: string;
  role: "caption" | "negative";
  base: { cosine: number; logit: number; probability: number };
  current: { cosine: number; logit: number; probability: number };
}

/** Rows of the comparison table: the caption first, then each negative. */
export function probeRows(result: ProbeComparison): ProbeRow[] {
  return result.texts.map((text, j) => ({
    text,
    role: j === 0 ? "caption" : "negative",
    base: {
      cosine: result.base.cosine[j],
      logit: result.base.logits[j],
      probability: result.base.probabilities[j],
    },
    current: {
      cosine: result.current.cosine[j],
      logit: result.current.logits[j],
      probability: result.current.probabilities[j],
    },
  }));
}

/** Non-empty trimmed lines. */
export function splitLines(text: string): string[] {
  return text
    .split("\n")
    .map((t) => t.trim())
    .filter(Boolean);
}

export interface ProbeLoadRequest {
  source: ProbeImageSource;
  caption: string;
  negatives: string[];
  /** Shown next to the image (e.g. "held-out sample heldout-0-12"). */
  label?: string;
}

interface ProbeState {
  mode: ProbeImageMode;
  /** Held-out index and fresh-scene seed fields of the panel. */
  heldoutIndex: number;
  sceneSeed: number;
  source?: ProbeImageSource;
  /** Data URL (shapes scenes, at the model's image size) or object URL (uploads). */
  previewUrl?: string;
  imageLabel?: string;
  caption: string;
  negatives: string;
  result?: ProbeComparison;
  /** Which texts the result was computed for (stale when the boxes changed since). */
  resultTexts?: string[];
  busy?: string;
  error?: string;
  notice?: string;
  /** Set to "probe" when another panel asks to show the probe (the app switches tabs, then consumes it). */
  requestedTab: "probe" | null;
  setMode(mode: ProbeImageMode): void;
  setCaption(caption: string): void;
  setNegatives(negatives: string): void;
  /** Picks held-out scene `index` (seed 0, the benchmark's scenes) and fills its caption and negatives. */
  pickHeldout(index: number): Promise<void>;
  /** Picks a fresh held-out-split scene of stream `seed` and fills its caption and negatives. */
  pickScene(seed: number): Promise<void>;
  pickUpload(file: File): void;
  /** Sets image, caption and negatives at once and asks for the probe tab (used by other panels). */
  load(request: ProbeLoadRequest): void;
  suggestNegatives(): Promise<void>;
  run(): Promise<void>;
  consumeRequestedTab(): void;
  reset(): void;
}

const INITIAL = {
  mode: "heldout" as ProbeImageMode,
  heldoutIndex: 0,
  sceneSeed: 1,
  caption: "",
  negatives: "",
  requestedTab: null,
};

export const useProbeStore = create<ProbeState>((set, get) => {
  const guarded = async (label: string, action: () => Promise<void>) => {
    set({ busy: label, error: undefined, notice: undefined });
    try {
      await action();
    } catch (e) {
      set({ error: e instanceof Error ? e.message : String(e) });
    } finally {
      set({ busy: undefined });
    }
  };
  const setPreview = (previewUrl: string | undefined) => {
    const old = get().previewUrl;
    if (old?.startsWith("blob:") && old !== previewUrl) URL.revokeObjectURL(old);
    return previewUrl;
  };
  /** Loads a shapes scene's preview; fills caption and negatives unless given. */
  const pickShapes = (
    ref: { split: Split; seed: number; index: number },
    label: string,
    texts?: { caption: string; negatives: string[] },
  ) =>
    guarded("Rendering the scene…", async () => {
      const scene = await labWorker().probeImage(ref);
      set({
        source: { kind: "shapes", ...ref },
        previewUrl: setPreview(scene.previewUrl),
        imageLabel: label,
        caption: texts?.caption ?? scene.caption,
        negatives: (texts?.negatives ?? scene.negatives.map((n) => n.text)).join("\n"),
        result: undefined,
      });
    });
  return {
    ...INITIAL,
    setMode: (mode) => set({ mode }),
    setCaption: (caption) => set({ caption }),
    setNegatives: (negatives) => set({ negatives }),
    pickHeldout: (index) => {
      set({ heldoutIndex: index, mode: "heldout" });
      return pickShapes({ split: "heldout", seed: 0, index }, `held-out scene ${index} (seed 0)`);
    },
    pickScene: (seed) => {
      set({ sceneSeed: seed, mode: "scene" });
      return pickShapes({ split: "heldout", seed, index: 0 }, `fresh scene, seed ${seed}`);
    },
    pickUpload: (file) =>
      set({
        mode: "upload",
        source: { kind: "upload", blob: file, name: file.name },
        previewUrl: setPreview(URL.createObjectURL(file)),
        imageLabel: `uploaded ${file.name}`,
        result: undefined,
        error: undefined,
      }),
    load: (request) => {
      const { source } = request;
      const label =
        request.label ?? (source.kind === "shapes" ? `${source.split} scene ${source.index}` : source.name);
      set({
        mode: source.kind === "upload" ? "upload" : "sample",
        requestedTab: "probe",
        caption: request.caption,
        negatives: request.negatives.join("\n"),
        result: undefined,
        error: undefined,
      });
      if (source.kind === "shapes")
        void pickShapes(source, label, { caption: request.caption, negatives: request.negatives });
      else
        set({
          source,
          previewUrl: setPreview(URL.createObjectURL(source.blob)),
          imageLabel: label,
        });
    },
    suggestNegatives: () =>
      guarded("Suggesting negatives…", async () => {
        const { caption, source } = get();
        if (!caption.trim()) throw new Error("type a caption first");
        const scene = source?.kind === "shapes" ? source : undefined;
        const suggested = await labWorker().suggestNegatives(caption, scene);
        if (!suggested || suggested.length === 0) {
          set({
            notice:
              "No negatives available: suggestions need a caption of the shapes world's grammar" +
              " (for example “a red cube to the left of a blue sphere”).",
          });
          return;
        }
        set({
          negatives: suggested.map((n) => n.text).join("\n"),
          notice: `Suggested: ${suggested.map((n) => n.type).join(", ")}.`,
        });
      }),
    run: () =>
      guarded("Comparing base and current…", async () => {
        const { caption, negatives, source } = get();
        if (!source) throw new Error("pick an image first");
        if (!caption.trim()) throw new Error("type a caption first");
        const texts = [caption.trim(), ...splitLines(negatives)];
        const result = await labWorker().probeCompare(source, texts);
        set({ result, resultTexts: texts });
      }),
    consumeRequestedTab: () => set({ requestedTab: null }),
    reset: () => {
      setPreview(undefined);
      set({ ...INITIAL, source: undefined, previewUrl: undefined, imageLabel: undefined, result: undefined });
    },
  };
});

// Results of another model mean nothing: clear them when the model changes.
useClipStore.subscribe((s, prev) => {
  if (s.model !== prev.model) useProbeStore.setState({ result: undefined, resultTexts: undefined });
});
