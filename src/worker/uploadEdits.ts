/**
 * Per-sample edits of an upload's negatives (pure). The user's negatives win over generated
 * ones (slotNegatives); a deleted generated negative is remembered as a suppressed slot, so
 * laying the slots out again never brings it back. Only the edited item is laid out again
 * unless the slot names change (a new "user_k" slot), then every item is.
 */
import type { DataIssue } from "../core/data/uploads/issues.js";
import { slotLayout, slotNegatives } from "../core/data/uploads/negatives.js";
import { relayoutNegatives } from "../core/data/uploads/parse.js";
import type { UploadItem, UploadSummary, UserNegative } from "../core/data/uploads/types.js";
import { isNegativeGeneratorType, type NegativeGeneratorType } from "../core/negatives/index.js";

export interface DatasetItem extends UploadItem {
  /** Typed slots whose negative the user deleted (kept masked). */
  suppressed?: string[];
}

/** The stored dataset (OPFS/IndexedDB): items, slot names, report and where each image is. */
export interface UploadDataset {
  version: 1;
  /** Prefix of its stored files. */
  id: string;
  /** What was uploaded ("photos", "data.zip", "3 files"). */
  name: string;
  createdAt: number;
  negatives: { generate: boolean; seed: number };
  items: DatasetItem[];
  negativeTypeNames: string[];
  issues: DataIssue[];
  summary: UploadSummary;
  /** Stored file name of each image name. */
  images: Record<string, string>;
}

export type NegativeEdit =
  | { kind: "set"; slot: string; text: string }
  | { kind: "delete"; slot: string }
  | { kind: "add"; type: NegativeGeneratorType | null; text: string };

/** Which user negative fills each slot (the same rule as slotNegatives' split). */
function slotOwners(user: readonly UserNegative[], typed: readonly string[]): Map<string, number> {
  const owners = new Map<string, number>();
  let rest = 0;
  user.forEach((n, i) => {
    if (n.type !== null && typed.includes(n.type) && !owners.has(n.type)) owners.set(n.type, i);
    else owners.set(`user_${++rest}`, i);
  });
  return owners;
}

/** The item's user negatives and suppressed slots after one edit. */
export function editUserNegatives(
  item: Pick<DatasetItem, "userNegatives" | "suppressed">,
  typeNames: readonly string[],
  edit: NegativeEdit,
): { userNegatives: UserNegative[]; suppressed: string[] } {
  const typed = typeNames.filter(isNegativeGeneratorType);
  const user = [...item.userNegatives];
  let suppressed = (item.suppressed ?? []).filter((s) => s !== ("slot" in edit ? edit.slot : edit.type));
  if (edit.kind === "add") {
    const text = edit.text.trim();
    if (text !== "") user.push({ text, type: edit.type });
    return { userNegatives: user, suppressed };
  }
  const owner = slotOwners(user, typed).get(edit.slot);
  const text = edit.kind === "set" ? edit.text.trim() : "";
  if (text !== "") {
    const type = isNegativeGeneratorType(edit.slot) ? edit.slot : null;
    if (owner !== undefined) user[owner] = { text, type: user[owner].type };
    else if (type) user.push({ text, type });
    else throw new Error(`no negative in slot "${edit.slot}" to change`);
    return { userNegatives: user, suppressed };
  }
  // Deleting (or clearing): drop the user's text; a typed slot stays empty.
  if (owner !== undefined) user.splice(owner, 1);
  if (typed.includes(edit.slot as NegativeGeneratorType)) suppressed = [...suppressed, edit.slot];
  return { userNegatives: user, suppressed };
}

/** Masks the suppressed slots of an item laid out under `names`. */
function suppress(item: DatasetItem, names: readonly string[]): DatasetItem {
  if (!item.suppressed?.length) return item;
  const out = {
    ...item,
    negatives: [...item.negatives],
    negativeMask: [...item.negativeMask],
    negativeSources: [...item.negativeSources],
  };
  names.forEach((name, k) => {
    if (!item.suppressed!.includes(name) || out.negativeSources[k] === "user") return;
    out.negatives[k] = "";
    out.negativeMask[k] = 0;
    out.negativeSources[k] = "none";
  });
  return out;
}

/** The dataset with one item's negatives edited and its slots laid out again. */
export function applyNegativeEdit(
  dataset: Pick<UploadDataset, "items" | "negativeTypeNames" | "negatives">,
  itemId: string,
  edit: NegativeEdit,
): { items: DatasetItem[]; negativeTypeNames: string[] } {
  const index = dataset.items.findIndex((item) => item.id === itemId);
  if (index < 0) throw new Error(`no item "${itemId}" in the dataset`);
  const edited = {
    ...dataset.items[index],
    ...editUserNegatives(dataset.items[index], dataset.negativeTypeNames, edit),
  };
  const items = dataset.items.map((item, i) => (i === index ? edited : item));
  const options = dataset.negatives;
  const layout = slotLayout(
    items.map((item) => item.userNegatives),
    options,
  );
  if (layout.names.join("\n") === dataset.negativeTypeNames.join("\n")) {
    items[index] = suppress(
      { ...edited, ...slotNegatives(edited.caption, edited.userNegatives, layout, options) },
      layout.names,
    );
    return { items, negativeTypeNames: layout.names };
  }
  const all = relayoutNegatives(items, options);
  return {
    items: all.items.map((item, i) =>
      suppress({ ...item, suppressed: items[i].suppressed }, all.negativeTypeNames),
    ),
    negativeTypeNames: all.negativeTypeNames,
  };
}
