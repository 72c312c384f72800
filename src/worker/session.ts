import type { LoadedClip } from "../core/clip/index.js";
import type { BackendReport } from "./backend.js";

/** What the worker holds between requests: one backend, one model (trainable variables). */
export const session: { backend?: BackendReport; model?: LoadedClip; modelName?: string } = {};

export function requireModel(): LoadedClip {
  if (!session.model) throw new Error("no model is loaded");
  return session.model;
}
