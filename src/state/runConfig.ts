import { z } from "zod";
import { objectives } from "../core/losses/registry.js";
import { type TrainConfig, trainConfigSchema } from "../core/train/config.js";

/**
 * The run configuration: ONE serialisable record of every setting of a training run (the
 * objective, every option of that objective, every TrainConfig field). It is what the
 * sidebar edits, what goes into the URL (non-default values only) and into the persisted
 * session, and what `startTraining` receives.
 */
export type RunConfig = TrainConfig & { data?: DataSource };

/**
 * Where a run's examples come from: the built-in shapes world in its own scene mix, the
 * shapes world's two-object scenes only (what `npm run reproduce` fine-tunes on), or the
 * Data tab's upload.
 */
export const DATA_SOURCES = ["shapes", "shapes-two-objects", "upload"] as const;
export type DataSource = (typeof DATA_SOURCES)[number];
const dataSchema = z
  .enum(DATA_SOURCES)
  .default("shapes")
  .describe(
    "Training data: the built-in shapes world (its own mix of 1-3 objects, or two-object scenes only), or the dataset uploaded in the Data tab",
  );

/** One editable field, read generically from a zod object schema. */
export interface FieldSpec {
  /** Path in the RunConfig: "lr", "freeze.textTower", "objectiveOptions.cmrWeight". */
  path: string;
  /** Key in the URL query string: "lr", "freeze.textTower", "opt.cmrWeight". */
  urlKey: string;
  label: string;
  /** The schema's `.describe()` text (the field's tooltip). */
  description: string;
  kind: "number" | "integer" | "boolean" | "enum" | "string";
  options?: readonly string[];
  min?: number;
  max?: number;
  defaultValue: unknown;
  /** The field's own schema (validates one value). */
  schema: z.ZodType;
  /** Group heading in the form. */
  group: string;
}

/** Prefix of objective options in the URL. */
export const OPTION_URL_PREFIX = "opt.";

/** Defaults that differ from TrainConfig's: scaled for the built-in shapes model. */
const APP_DEFAULT_OVERRIDES: Partial<TrainConfig> = { decaySteps: 2000 };

const LABELS: Record<string, string> = {
  steps: "Steps",
  batchSize: "Batch size",
  lr: "Learning rate",
  warmupSteps: "Warm-up steps",
  minLr: "Final learning rate",
  decaySteps: "Cosine horizon",
  weightDecay: "Weight decay",
  beta1: "AdamW β1",
  beta2: "AdamW β2",
  eps: "AdamW ε",
  clipNorm: "Gradient clip norm",
  seed: "Data seed",
  data: "Training data",
  evalEvery: "Evaluate every",
  checkpointEvery: "Checkpoint every",
  "freeze.textTower": "Freeze the text tower",
  "freeze.visionTower": "Freeze the vision tower",
  "freeze.embeddings": "Freeze embeddings",
  "freeze.firstBlocks": "Freeze first blocks",
  "freeze.lastBlocks": "Train only the last blocks",
  "lora.rank": "LoRA rank",
  "lora.alpha": "LoRA alpha",
};

/** Headings of nested settings groups where the key alone reads badly. */
const GROUP_TITLES: Record<string, string> = { lora: "LoRA" };

const GROUPS: Record<string, string> = {
  steps: "Run",
  batchSize: "Run",
  seed: "Run",
  data: "Run",
  evalEvery: "Run",
  checkpointEvery: "Run",
  lr: "Optimiser",
  warmupSteps: "Optimiser",
  minLr: "Optimiser",
  decaySteps: "Optimiser",
  weightDecay: "Optimiser",
  beta1: "Optimiser",
  beta2: "Optimiser",
  eps: "Optimiser",
  clipNorm: "Optimiser",
};

/** Settings a paused run accepts through the worker's `update`. */
export function isLiveEditable(path: string): boolean {
  return path === "lr" || path.startsWith("objectiveOptions.");
}

const ACRONYMS = new Set(["cmr", "imc", "itc", "lr", "ema", "id", "url", "k"]);

/** "cmrWeight" -> "CMR weight", "resetEachEpoch" -> "Reset each epoch". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[\s_]+/)
    .filter(Boolean)
    .map((w) => (ACRONYMS.has(w.toLowerCase()) ? w.toUpperCase() : w.toLowerCase()));
  if (words.length === 0) return key;
  const first = words[0];
  words[0] = first === first.toUpperCase() ? first : first[0].toUpperCase() + first.slice(1);
  return words.join(" ");
}

function unwrapDefault(field: z.ZodType): { inner: z.ZodType; defaultValue: unknown } {
  let inner: z.ZodType = field;
  let defaultValue: unknown;
  // Defaults (and optional/nullable wrappers) around the real type.
  for (let guard = 0; guard < 5; guard++) {
    if (inner instanceof z.ZodDefault) {
      if (defaultValue === undefined) defaultValue = inner.parse(undefined);
      inner = inner.unwrap() as z.ZodType;
    } else if (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) {
      inner = inner.unwrap() as z.ZodType;
    } else break;
  }
  return { inner, defaultValue };
}

/**
 * Every scalar field of a zod object schema (numbers, integers, booleans, enums, strings),
 * nested objects flattened with dotted paths. Records and other shapes are left out.
 */
export function describeObjectSchema(
  schema: z.ZodType,
  options: { pathPrefix?: string; urlPrefix?: string; group?: string } = {},
): FieldSpec[] {
  if (!(schema instanceof z.ZodObject)) return [];
  const { pathPrefix = "", urlPrefix = "", group } = options;
  const fields: FieldSpec[] = [];
  for (const [key, raw] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const { inner, defaultValue } = unwrapDefault(raw);
    const description = raw.description ?? inner.description ?? "";
    const path = `${pathPrefix}${key}`;
    const urlKey = `${urlPrefix}${key}`;
    const label = LABELS[path] ?? humanize(key);
    const fieldGroup = group ?? GROUPS[path] ?? "Other";
    const base = { path, urlKey, label, description, defaultValue, schema: raw, group: fieldGroup };
    if (inner instanceof z.ZodObject) {
      fields.push(
        ...describeObjectSchema(inner, {
          pathPrefix: `${path}.`,
          urlPrefix: `${urlKey}.`,
          group: group ?? GROUP_TITLES[key] ?? humanize(key),
        }),
      );
    } else if (inner instanceof z.ZodNumber) {
      const min = Number.isFinite(inner.minValue) ? (inner.minValue as number) : undefined;
      const max = Number.isFinite(inner.maxValue) ? (inner.maxValue as number) : undefined;
      const isInt = Boolean(inner.isInt);
      fields.push({
        ...base,
        kind: isInt ? "integer" : "number",
        min: min !== undefined && Math.abs(min) < Number.MAX_SAFE_INTEGER ? min : undefined,
        max: max !== undefined && Math.abs(max) < Number.MAX_SAFE_INTEGER ? max : undefined,
      });
    } else if (inner instanceof z.ZodBoolean) {
      fields.push({ ...base, kind: "boolean" });
    } else if (inner instanceof z.ZodEnum) {
      fields.push({ ...base, kind: "enum", options: inner.options as readonly string[] });
    } else if (inner instanceof z.ZodString) {
      fields.push({ ...base, kind: "string" });
    }
  }
  return fields;
}

/** The objectives the app offers, by registry name. */
export const OBJECTIVE_CHOICES: { value: string; label: string }[] = Object.values(objectives).map((o) => ({
  value: o.name,
  label: o.label,
}));

// The run config is TrainConfig plus the app's data source (the worker reads `data`).
const TRAIN_SHAPE = { ...trainConfigSchema.shape, data: dataSchema } as Record<string, z.ZodType>;

/** The tooltip of the objective selector. */
export const OBJECTIVE_DESCRIPTION = TRAIN_SHAPE.objective.description ?? "Training objective";

/** Every TrainConfig field except the objective and its options, which are handled apart. */
export const TRAIN_FIELDS: FieldSpec[] = describeObjectSchema(
  z.object(
    Object.fromEntries(
      Object.entries(TRAIN_SHAPE).filter(([key]) => key !== "objective" && key !== "objectiveOptions"),
    ),
  ),
);

const optionFieldCache = new Map<string, FieldSpec[]>();

/** The option fields of an objective (empty for an unknown one or one without options). */
export function objectiveFields(objective: string): FieldSpec[] {
  let fields = optionFieldCache.get(objective);
  if (!fields) {
    const schema = objectives[objective]?.optionsSchema as z.ZodType | undefined;
    fields = schema
      ? describeObjectSchema(schema, {
          pathPrefix: "objectiveOptions.",
          urlPrefix: OPTION_URL_PREFIX,
          group: "Objective options",
        })
      : [];
    optionFieldCache.set(objective, fields);
  }
  return fields;
}

/** Every field of a config with this objective: options first, then the TrainConfig fields. */
export function allFields(objective: string): FieldSpec[] {
  return [...objectiveFields(objective), ...TRAIN_FIELDS];
}

export function defaultObjectiveOptions(objective: string): Record<string, unknown> {
  const o = objectives[objective];
  return o ? { ...(o.defaultOptions as Record<string, unknown>) } : {};
}

/** The default configuration for an objective (default: CE-CLIP). */
export function defaultRunConfig(objective?: string): RunConfig {
  const base = { ...trainConfigSchema.parse({}), data: dataSchema.parse(undefined) };
  const name = objective && objectives[objective] ? objective : base.objective;
  return {
    ...base,
    ...APP_DEFAULT_OVERRIDES,
    objective: name,
    objectiveOptions: defaultObjectiveOptions(name),
  };
}

export const DEFAULT_RUN_CONFIG: RunConfig = defaultRunConfig();

export function getField(config: RunConfig, path: string): unknown {
  let value: unknown = config;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A copy of the config with one field changed (objects on the path are copied). */
export function setField(config: RunConfig, path: string, value: unknown): RunConfig {
  const parts = path.split(".");
  const copy = (obj: unknown, i: number): unknown => {
    const current = (obj && typeof obj === "object" ? obj : {}) as Record<string, unknown>;
    if (i === parts.length - 1) return { ...current, [parts[i]]: value };
    return { ...current, [parts[i]]: copy(current[parts[i]], i + 1) };
  };
  return copy(config, 0) as RunConfig;
}

/**
 * Switches the objective: options reset to the new objective's defaults, keeping values of
 * same-named options that the new schema accepts.
 */
export function withObjective(config: RunConfig, objective: string): RunConfig {
  if (!objectives[objective] || objective === config.objective) return config;
  const options = defaultObjectiveOptions(objective);
  for (const field of objectiveFields(objective)) {
    const key = field.path.slice("objectiveOptions.".length);
    const previous = config.objectiveOptions[key];
    if (previous !== undefined && field.schema.safeParse(previous).success) options[key] = previous;
  }
  return { ...config, objective, objectiveOptions: options };
}

/** A value parsed from its URL text for one field, or undefined when it does not fit. */
export function parseFieldValue(field: FieldSpec, text: string): unknown {
  let value: unknown;
  switch (field.kind) {
    case "number":
    case "integer": {
      if (text.trim() === "") return undefined;
      value = Number(text);
      if (!Number.isFinite(value)) return undefined;
      break;
    }
    case "boolean":
      if (text === "1" || text === "true") value = true;
      else if (text === "0" || text === "false") value = false;
      else return undefined;
      break;
    default:
      value = text;
  }
  const parsed = field.schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function formatFieldValue(field: FieldSpec, value: unknown): string {
  if (field.kind === "boolean") return value ? "1" : "0";
  return String(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b));
}

/** The config's non-default values as URL parameters (keys in a stable order). */
export function encodeRunConfig(config: RunConfig): URLSearchParams {
  const params = new URLSearchParams();
  const defaults = defaultRunConfig(config.objective);
  if (config.objective !== DEFAULT_RUN_CONFIG.objective) params.set("objective", config.objective);
  for (const field of allFields(config.objective)) {
    const value = getField(config, field.path);
    if (value === undefined || sameValue(value, getField(defaults, field.path))) continue;
    params.set(field.urlKey, formatFieldValue(field, value));
  }
  return params;
}

/** Every URL key the run config may use (to tell ours from other parameters). */
export function isRunConfigKey(key: string): boolean {
  return (
    key === "objective" || key.startsWith(OPTION_URL_PREFIX) || TRAIN_FIELDS.some((f) => f.urlKey === key)
  );
}

export interface DecodedRunConfig {
  config: RunConfig;
  /** Keys whose value did not fit (their default is used). */
  rejected: string[];
  /** Whether any run-config key was present. */
  present: boolean;
}

/**
 * The config a query string describes: defaults plus every value that fits its field.
 * Unknown keys are ignored; a bad value falls back to the default and is reported.
 */
export function decodeRunConfig(input: URLSearchParams | string): DecodedRunConfig {
  const params =
    typeof input === "string" ? new URLSearchParams(input.startsWith("?") ? input.slice(1) : input) : input;
  const rejected: string[] = [];
  let present = false;
  const objectiveText = params.get("objective");
  let objective = DEFAULT_RUN_CONFIG.objective;
  if (objectiveText !== null) {
    present = true;
    if (objectives[objectiveText]) objective = objectiveText;
    else rejected.push("objective");
  }
  let config = defaultRunConfig(objective);
  const fields = allFields(objective);
  for (const [key, text] of params) {
    if (key === "objective") continue;
    const field = fields.find((f) => f.urlKey === key);
    if (!field) {
      if (isRunConfigKey(key)) {
        present = true;
        rejected.push(key);
      }
      continue;
    }
    present = true;
    const value = parseFieldValue(field, text);
    if (value === undefined) rejected.push(key);
    else config = setField(config, field.path, value);
  }
  return { config, rejected, present };
}

/**
 * A config from untrusted JSON (a persisted session): every field that fits is kept, the
 * rest are defaults. Never throws.
 */
export function sanitizeRunConfig(input: unknown): RunConfig {
  if (!input || typeof input !== "object") return defaultRunConfig();
  const record = input as Record<string, unknown>;
  const objective =
    typeof record.objective === "string" && objectives[record.objective]
      ? record.objective
      : DEFAULT_RUN_CONFIG.objective;
  let config = defaultRunConfig(objective);
  for (const field of allFields(objective)) {
    const value = getField(record as RunConfig, field.path);
    if (value !== undefined && field.schema.safeParse(value).success)
      config = setField(config, field.path, value);
  }
  return config;
}

/** Live-editable settings whose value differs between the form and the running run. */
export function liveChanges(
  form: RunConfig,
  running: RunConfig,
): { lr?: number; objectiveOptions?: Record<string, unknown> } {
  const changes: { lr?: number; objectiveOptions?: Record<string, unknown> } = {};
  if (form.objective !== running.objective) return changes;
  if (form.lr !== running.lr) changes.lr = form.lr;
  const options: Record<string, unknown> = {};
  for (const field of objectiveFields(form.objective)) {
    const key = field.path.slice("objectiveOptions.".length);
    if (!sameValue(form.objectiveOptions[key], running.objectiveOptions[key]))
      options[key] = form.objectiveOptions[key];
  }
  if (Object.keys(options).length > 0) changes.objectiveOptions = options;
  return changes;
}

/** The page's query string with the config's parameters replaced (others kept). */
export function mergeIntoSearch(search: string, config: RunConfig): string {
  const current = new URLSearchParams(search.startsWith("?") ? search.slice(1) : search);
  const kept = new URLSearchParams();
  for (const [key, value] of current) if (!isRunConfigKey(key)) kept.append(key, value);
  for (const [key, value] of encodeRunConfig(config)) kept.append(key, value);
  const text = kept.toString();
  return text ? `?${text}` : "";
}

/** Reads the config from the page URL (browser only). */
export function readRunConfigFromUrl(): DecodedRunConfig | undefined {
  if (typeof location === "undefined") return undefined;
  return decodeRunConfig(location.search);
}

/** Writes the config into the page URL without a navigation (browser only). */
export function writeRunConfigToUrl(config: RunConfig): void {
  if (typeof location === "undefined" || typeof history === "undefined") return;
  const search = mergeIntoSearch(location.search, config);
  if (search === location.search) return;
  history.replaceState(history.state, "", `${location.pathname}${search}${location.hash}`);
}
