import { useClipStore } from "../../state/clipStore.js";
import { setModelReload } from "../../state/modelReload.js";
import { labWorker } from "../../worker/client.js";

/** The default model: CLIP pretrained on the shapes world (HF folder, 32 px images). */
export const SHAPES_MODEL_URL = `${import.meta.env.BASE_URL}models/shapes-clip`;
export const SHAPES_MODEL_NAME = "shapes-clip (built-in)";

/** Loads the built-in shapes model into the worker (busy/error/model through the clip store). */
export async function loadShapesModel(): Promise<void> {
  const set = useClipStore.setState;
  set({ busy: "Loading the built-in shapes model…", error: undefined });
  try {
    const summary = await labWorker().loadModel({ url: SHAPES_MODEL_URL });
    set({ model: { ...summary, name: SHAPES_MODEL_NAME }, rows: [] });
    setModelReload(loadShapesModel);
  } catch (e) {
    set({
      error: `The built-in shapes model could not be loaded (${e instanceof Error ? e.message : String(e)}). Load the bundled tiny CLIP or a model folder instead.`,
    });
  } finally {
    set({ busy: undefined });
  }
}

let started = false;

/**
 * First open: start the compute backend, then load the built-in shapes model unless a model
 * is already loaded or being loaded. Runs once per page.
 */
export async function bootstrapModel(): Promise<void> {
  if (started) return;
  started = true;
  await useClipStore.getState().initBackend();
  const { model, busy, backend } = useClipStore.getState();
  // No await between the check and loadShapesModel setting `busy`: a click cannot slip in.
  if (!model && !busy && backend) await loadShapesModel();
}
