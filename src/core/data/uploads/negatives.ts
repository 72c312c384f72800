/**
 * Lays an upload's negatives out in fixed slots, as training needs (K types per example,
 * a mask where a type is missing). Typed slots come first, one per generator type: the
 * user's negative of that type wins, else the generator's (mergeNegatives). Untyped user
 * negatives, and second ones of a type, go to "user_1", "user_2", ... slots: nothing the
 * user wrote is lost, and no negative is given a type it was not written for.
 */
import {
  type GeneratedNegatives,
  generateNegatives,
  mergeNegatives,
  NEGATIVE_GENERATOR_TYPES,
  type NegativeGeneratorType,
  type NegativeSource,
} from "../../negatives/index.js";
import type { IssueList, IssueLocation } from "./issues.js";
import type { NegativeOptions, UserNegative } from "./types.js";

export interface SlotLayout {
  typed: NegativeGeneratorType[];
  /** Number of "user_k" slots. */
  untyped: number;
  names: string[];
}

export interface SlottedNegatives {
  negatives: string[];
  negativeMask: number[];
  negativeSources: NegativeSource[];
}

/** Typed user negatives that get their own slot, and the rest (in order). */
function split(user: readonly UserNegative[], typed: readonly NegativeGeneratorType[]) {
  const byType: Partial<Record<NegativeGeneratorType, string>> = {};
  const rest: string[] = [];
  for (const { text, type } of user) {
    if (type !== null && typed.includes(type) && byType[type] === undefined) byType[type] = text;
    else rest.push(text);
  }
  return { byType, rest };
}

export function slotLayout(
  userNegatives: readonly (readonly UserNegative[])[],
  options: NegativeOptions,
): SlotLayout {
  const generate = options.generate ?? true;
  const named = new Set(userNegatives.flatMap((list) => list.flatMap((n) => (n.type ? [n.type] : []))));
  const typed =
    options.types !== undefined
      ? [...options.types]
      : NEGATIVE_GENERATOR_TYPES.filter((type) => generate || named.has(type));
  // A loop, not Math.max(...list): 200,000 arguments overflow the call stack.
  let untyped = 0;
  for (const list of userNegatives) untyped = Math.max(untyped, split(list, typed).rest.length);
  return {
    typed,
    untyped,
    names: [...typed, ...Array.from({ length: untyped }, (_, k) => `user_${k + 1}`)],
  };
}

function noneGenerated(types: NegativeGeneratorType[]): GeneratedNegatives {
  return { texts: types.map(() => ""), mask: types.map(() => 0), types };
}

/**
 * One item's slots. A generator failure is reported as a warning and leaves only the
 * user's negatives (the item is kept).
 */
export function slotNegatives(
  caption: string,
  user: readonly UserNegative[],
  layout: SlotLayout,
  options: NegativeOptions,
  report?: { issues: IssueList; at: IssueLocation },
): SlottedNegatives {
  const { byType, rest } = split(user, layout.typed);
  let generated = noneGenerated(layout.typed);
  if ((options.generate ?? true) && layout.typed.length > 0) {
    try {
      generated = generateNegatives(caption, { seed: options.seed ?? 0, types: layout.typed });
    } catch (e) {
      report?.issues.warning(
        "negatives",
        report.at,
        `negatives could not be generated: ${(e as Error).message.split("\n")[0]}`,
      );
    }
  }
  const merged = mergeNegatives(caption, generated, byType);
  const negatives = [...merged.texts];
  const negativeMask = [...merged.mask];
  const negativeSources = [...merged.sources];
  for (let k = 0; k < layout.untyped; k++) {
    const text = rest[k] ?? "";
    negatives.push(text);
    negativeMask.push(text === "" ? 0 : 1);
    negativeSources.push(text === "" ? "none" : "user");
  }
  return { negatives, negativeMask, negativeSources };
}
