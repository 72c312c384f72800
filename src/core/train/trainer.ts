import * as tf from "@tensorflow/tfjs";
import type { ClipConfig } from "../clip/config.js";
import { isLabParameter } from "../clip/index.js";
import { addLora, mergeLoraInPlace } from "../clip/lora.js";
import {
  type ClipParams,
  embedImagePatches,
  encodeImagePatches,
  encodeTextTokens,
  encodeVisionTokens,
  poolingPositions,
  type TokenBatch,
  trimTrailingPadding,
} from "../clip/model.js";
import { type PreprocessOptions, preprocessOptionsFor } from "../clip/preprocess.js";
import type { ClipTokenizer } from "../clip/tokenizer.js";
import { emaUpdate } from "../losses/ema.js";
import type { AnyObjective, ObjectiveInputs, ObjectiveState, SerializedState } from "../losses/objective.js";
import { getObjective } from "../losses/registry.js";
import { FlatAdamW, learningRateAt } from "./adamw.js";
import {
  buildBatch,
  type DataCursor,
  disposeBatch,
  type ExampleSource,
  nextBatchIndices,
} from "./batches.js";
import { isTrainable, LOGIT_SCALE_MAX, type TrainConfig } from "./config.js";
import { NegativeImageMaker, VISUAL_DICTIONARY_PARAM } from "./imageNegatives.js";
import { KeywordSupervision } from "./keywordHead.js";
import { removeLabParameters, restoreFixedLabParameters } from "./labParameters.js";

/** Everything the UI charts for one step; read back asynchronously, several steps at once. */
export interface StepMetrics {
  step: number;
  epoch: number;
  lr: number;
  loss: number;
  /** Every named term of the objective (unweighted losses, theta_k, gap_k, violationRate_k...). */
  terms: Record<string, number>;
  gradNorm: number;
  logitScale: number;
  /** False when the step was skipped because the loss or gradient was not finite. */
  applied: boolean;
}

interface PendingStep {
  step: number;
  epoch: number;
  lr: number;
  termNames: string[];
  /** [loss, ...terms, gradNorm, applied, logitScale] */
  packed: tf.Tensor1D;
}

export interface TrainerCheckpoint {
  version: 1;
  step: number;
  cursor: DataCursor;
  config: TrainConfig;
  params: Map<string, { shape: number[]; data: Float32Array }>;
  optimizer: { step: number; m: Float32Array; v: Float32Array };
  objectiveState: SerializedState;
}

/** 1 for tokens that take part in token-level losses: words and end-of-text (not start, not padding). */
export function tokenMask(tokens: TokenBatch, eosTokenId: number): Float32Array {
  const mask = new Float32Array(tokens.ids.length);
  poolingPositions(tokens, eosTokenId).forEach((eos, b) => {
    mask.fill(1, b * tokens.length + 1, b * tokens.length + eos + 1);
  });
  return mask;
}

/**
 * The step's texts (captions, then negatives) without the columns after the batch's longest
 * text: the text tower computes exactly these (encodeTextTokens trims the same way), so
 * token-level masks built from them match its token features column for column.
 */
function stepTexts(captions: TokenBatch, negatives: TokenBatch | undefined, eosTokenId: number): TokenBatch {
  const padded = negatives ? concatTokens(captions, negatives) : captions;
  return trimTrailingPadding(padded, poolingPositions(padded, eosTokenId));
}

/** The first `batch` rows of a token batch. */
function firstRows(tokens: TokenBatch, batch: number): TokenBatch {
  return { ids: tokens.ids.subarray(0, batch * tokens.length), batch, length: tokens.length };
}

function concatTokens(a: TokenBatch, b: TokenBatch): TokenBatch {
  if (a.length !== b.length) throw new Error("caption and negative token lengths differ");
  const ids = new Int32Array(a.ids.length + b.ids.length);
  ids.set(a.ids);
  ids.set(b.ids, a.ids.length);
  return { ids, batch: a.batch + b.batch, length: a.length };
}

/** `make()` computed at most once (token features are asked for by several consumers). */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/**
 * The training loop's engine, shared by the worker, the CLI and the scripts: one `step()`
 * builds a batch, runs forward, objective, gradients and AdamW without reading anything
 * back; `readMetrics()` reads the finished steps' numbers in one go. Objectives with image
 * negatives need `await prepare()` (it builds the visual dictionary) before the first step.
 */
export class Trainer {
  readonly objective: AnyObjective;
  objectiveOptions: object;
  readonly trainable: Map<string, tf.Variable>;
  private readonly optimizer: FlatAdamW;
  private readonly preprocess: PreprocessOptions;
  private state: ObjectiveState;
  /** DeGLA's EMA teacher: a second copy of every weight, updated after each step. */
  readonly teacher?: Map<string, tf.Variable>;
  /** Image-side negatives: the visual dictionary and each step's negative images. */
  readonly negativeImages?: NegativeImageMaker;
  /** Keyword supervision: vocabulary, targets and the head (in `params`, under lab-only names). */
  readonly keywords?: KeywordSupervision;
  private pending: PendingStep[] = [];
  /** Steps taken so far (the next step's index). */
  stepsDone = 0;
  cursor: DataCursor = { epoch: 0, position: 0 };

  constructor(
    readonly params: ClipParams,
    readonly modelConfig: ClipConfig,
    readonly tokenizer: ClipTokenizer,
    readonly source: ExampleSource,
    public config: TrainConfig,
  ) {
    this.objective = getObjective(config.objective);
    this.objectiveOptions = this.objective.optionsSchema.parse(config.objectiveOptions);
    removeLabParameters(params); // left by a trainer that was not disposed
    // LoRA: an earlier run's adapters are merged into the weights, then this run's (B = 0) added.
    mergeLoraInPlace(params);
    if (config.lora.rank > 0) addLora(params, modelConfig, config.lora, config.seed);
    this.trainable = new Map();
    for (const [name, t] of params) {
      if (!(t instanceof tf.Variable))
        throw new Error(`parameter ${name} is not a tf.Variable (load the model as trainable)`);
      if (isTrainable(name, config.freeze, modelConfig, config.lora)) this.trainable.set(name, t);
    }
    if (this.trainable.size === 0) throw new Error("every parameter is frozen: nothing to train");
    const needs = this.objective.needs;
    if (needs?.keywords) {
      this.keywords = new KeywordSupervision(source, needs.keywords(this.objectiveOptions));
      for (const [name, v] of this.keywords.createHead(modelConfig.projection_dim, config.seed)) {
        params.set(name, v);
        this.trainable.set(name, v);
      }
    }
    if (needs?.imageNegatives)
      this.negativeImages = new NegativeImageMaker(
        source,
        tokenizer,
        needs.imageNegatives(this.objectiveOptions),
      );
    this.optimizer = new FlatAdamW(this.trainable, {
      beta1: config.beta1,
      beta2: config.beta2,
      eps: config.eps,
      weightDecay: config.weightDecay,
      clipNorm: config.clipNorm,
    });
    this.preprocess = preprocessOptionsFor(modelConfig.vision_config.image_size);
    if (needs?.teacher) {
      const model = [...params].filter(([name]) => !isLabParameter(name));
      this.teacher = new Map(model.map(([name, t]) => [name, tf.variable(t, false)]));
    }
    this.state = this.objective.initialState(this.objectiveOptions, this.numNegativeTypes);
  }

  get numNegativeTypes(): number {
    return this.objective.usesHardNegatives ? this.source.numNegativeTypes : 0;
  }

  get trainableParameterCount(): number {
    return this.optimizer.size;
  }

  learningRate(step = this.stepsDone): number {
    const c = this.config;
    return learningRateAt(step, {
      peak: c.lr,
      warmupSteps: c.warmupSteps,
      totalSteps: c.decaySteps || c.steps,
      floor: c.minLr,
    });
  }

  /** Changes the peak learning rate or objective options (e.g. loss weights) between steps. */
  update(changes: { lr?: number; objectiveOptions?: Record<string, unknown> }): void {
    if (changes.lr !== undefined) {
      if (!(changes.lr > 0)) throw new Error(`learning rate must be positive, got ${changes.lr}`);
      this.config = { ...this.config, lr: changes.lr };
    }
    if (changes.objectiveOptions) {
      const merged = { ...this.config.objectiveOptions, ...changes.objectiveOptions };
      this.objectiveOptions = this.objective.optionsSchema.parse(merged);
      this.config = { ...this.config, objectiveOptions: merged };
    }
  }

  /** Builds what must be read back from the device before the first step (idempotent). */
  async prepare(): Promise<void> {
    if (this.negativeImages && !this.params.has(VISUAL_DICTIONARY_PARAM))
      await this.rebuildVisualDictionary();
  }

  /** Image negatives: k-means of patch tokens under the current weights (prepare() does it once). */
  async rebuildVisualDictionary(): Promise<{ prototypes: number; iterations: number; inertia: number }> {
    const needs = this.objective.needs?.imageNegatives;
    if (!this.negativeImages || !needs) throw new Error(`${this.objective.name} uses no image negatives`);
    const settings = { ...needs(this.objectiveOptions), seed: this.config.seed };
    return this.negativeImages.buildDictionary(this.params, this.modelConfig, this.source, settings);
  }

  /** Runs one optimizer step; its metrics wait in a queue until `readMetrics()`. */
  step(): void {
    if (this.negativeImages && !this.params.has(VISUAL_DICTIONARY_PARAM))
      throw new Error(
        `${this.objective.name} needs a visual dictionary: await trainer.prepare() before step()`,
      );
    const { indices, cursor, newEpoch } = nextBatchIndices(
      this.cursor,
      this.config.seed,
      this.source.size,
      this.config.batchSize,
    );
    if (newEpoch && this.stepsDone > 0)
      this.replaceState(this.objective.onEpochStart(this.state, this.objectiveOptions));
    const k = this.numNegativeTypes;
    const patch = this.modelConfig.vision_config.patch_size;
    const batch = buildBatch(this.source, indices, this.tokenizer, this.preprocess, patch, k > 0);
    const lr = this.learningRate();
    const logitScale = this.params.get("logit_scale") as tf.Variable;
    let termNames: string[] = [];
    let nextState: ObjectiveState = {};
    const packed = tf.tidy(() => {
      let terms: tf.Scalar[] = [];
      const n = batch.captions.batch;
      const allTexts = stepTexts(batch.captions, batch.negatives, this.modelConfig.text_config.eos_token_id);
      const teacherInputs = this.teacher ? this.teacherFeatures(batch.patches, allTexts, n, k) : {};
      const { value: loss, grads } = tf.variableGrads(() => {
        const embedded = embedImagePatches(this.params, this.modelConfig, batch.patches);
        const image = encodeVisionTokens(this.params, this.modelConfig, embedded);
        const text = encodeTextTokens(this.params, this.modelConfig, allTexts);
        const textTokens = once(text.tokens);
        const inputs: ObjectiveInputs = {
          imageEmb: image.features,
          textEmb: text.features.slice([0, 0], [n, -1]),
          hardNegEmb: k > 0 ? text.features.slice([n, 0], [n * k, -1]) : undefined,
          validMask: batch.validMask,
          numNegativeTypes: k,
          logitScaleLog: logitScale as tf.Scalar,
          ...teacherInputs,
        };
        if (this.objective.needs?.tokens) {
          const mask = tf.tensor2d(tokenMask(allTexts, this.modelConfig.text_config.eos_token_id), [
            allTexts.batch,
            allTexts.length,
          ]);
          Object.assign(inputs, {
            imageTokens: image.tokens(),
            textTokens: textTokens().slice([0, 0, 0], [n, -1, -1]),
            textTokenMask: mask.slice([0, 0], [n, -1]),
            hardNegTokens: textTokens().slice([n, 0, 0], [n * k, -1, -1]),
            hardNegTokenMask: mask.slice([n, 0], [n * k, -1]),
          });
        }
        if (this.negativeImages) {
          inputs.negativeImageEmb = this.negativeImages.negativeImageEmb({
            params: this.params,
            config: this.modelConfig,
            embedded,
            patchTokens: image.tokens,
            captionTokens: () => textTokens().slice([0, 0, 0], [n, -1, -1]),
            captions: firstRows(allTexts, n),
            settings: this.objective.needs!.imageNegatives!(this.objectiveOptions),
            seed: this.config.seed,
            step: this.stepsDone,
          });
        }
        if (this.keywords) Object.assign(inputs, this.keywords.inputs(this.params, batch.captionTexts));
        const out = this.objective.compute(inputs, this.state, this.objectiveOptions);
        termNames = Object.keys(out.terms);
        terms = termNames.map((name) => tf.keep(out.terms[name]));
        nextState = Object.fromEntries(Object.entries(out.nextState).map(([key, t]) => [key, tf.keep(t)]));
        return out.total;
      }, [...this.trainable.values()]);
      const byName = new Map([...this.trainable].map(([name, v]) => [name, grads[v.name]]));
      const { gradNorm, applied } = this.optimizer.apply(byName, lr, loss);
      if (this.teacher) {
        const decayOption = this.objective.needs!.teacher!.decayOption;
        emaUpdate(this.teacher, this.params, (this.objectiveOptions as Record<string, number>)[decayOption]);
      }
      if (this.trainable.has("logit_scale"))
        logitScale.assign(tf.clipByValue(logitScale, 0, LOGIT_SCALE_MAX));
      // A skipped step keeps the objective's state too.
      const gated = Object.fromEntries(
        Object.entries(nextState).map(([key, t]) => [
          key,
          tf.keep(tf.where(tf.greater(applied, 0), t, this.state[key])),
        ]),
      );
      tf.dispose(Object.values(nextState));
      this.replaceState(gated);
      const row = tf.concat([tf.stack([loss, ...terms]), tf.stack([gradNorm, applied, tf.exp(logitScale)])]);
      tf.dispose(terms);
      return row as tf.Tensor1D;
    });
    disposeBatch(batch);
    this.pending.push({ step: this.stepsDone, epoch: this.cursor.epoch, lr, termNames, packed });
    this.stepsDone += 1;
    this.cursor = cursor;
  }

  /** The teacher's embeddings of the batch: constants (no gradient reaches the teacher). */
  private teacherFeatures(patches: tf.Tensor3D, texts: TokenBatch, n: number, k: number) {
    const teacher = this.teacher!;
    const images = encodeImagePatches(teacher, this.modelConfig, patches).features;
    const textFeatures = encodeTextTokens(teacher, this.modelConfig, texts).features;
    return {
      teacherImageEmb: images,
      teacherTextEmb: textFeatures.slice([0, 0], [n, -1]),
      teacherHardNegEmb: k > 0 ? textFeatures.slice([n, 0], [n * k, -1]) : undefined,
    };
  }

  private replaceState(next: ObjectiveState): void {
    const old = this.state;
    this.state = next;
    tf.dispose(Object.values(old));
  }

  /** Reads every queued step's metrics in one batch (awaits the device; never blocks). */
  async readMetrics(): Promise<StepMetrics[]> {
    const pending = this.pending;
    this.pending = [];
    if (pending.length === 0) return [];
    const all = tf.concat(pending.map((p) => p.packed));
    const values = await all.data();
    all.dispose();
    let offset = 0;
    return pending.map((p) => {
      const n = p.packed.size;
      const row = values.subarray(offset, offset + n);
      offset += n;
      p.packed.dispose();
      const terms: Record<string, number> = {};
      p.termNames.forEach((name, i) => {
        terms[name] = row[1 + i];
      });
      return {
        step: p.step,
        epoch: p.epoch,
        lr: p.lr,
        loss: row[0],
        terms,
        gradNorm: row[n - 3],
        applied: row[n - 2] > 0,
        logitScale: row[n - 1],
      };
    });
  }

  async checkpoint(): Promise<TrainerCheckpoint> {
    const params = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, t] of this.params)
      params.set(name, { shape: [...t.shape], data: (await t.data()) as Float32Array });
    return {
      version: 1,
      step: this.stepsDone,
      cursor: { ...this.cursor },
      config: this.config,
      params,
      optimizer: await this.optimizer.getState(),
      objectiveState: await this.objective.serializeState(this.state),
    };
  }

  restore(ckpt: TrainerCheckpoint): void {
    restoreFixedLabParameters(this.params, this.trainable, ckpt.params); // the saved visual dictionary
    for (const [name, t] of this.params) {
      const saved = ckpt.params.get(name);
      if (!saved) throw new Error(`checkpoint has no parameter ${name}`);
      if (saved.shape.join() !== t.shape.join())
        throw new Error(`checkpoint parameter ${name} has another shape`);
      tf.tidy(() => (t as tf.Variable).assign(tf.tensor(saved.data, saved.shape)));
    }
    this.optimizer.setState(ckpt.optimizer);
    this.replaceState(
      this.objective.deserializeState(ckpt.objectiveState, this.objectiveOptions, this.numNegativeTypes),
    );
    this.stepsDone = ckpt.step;
    this.cursor = { ...ckpt.cursor };
  }

  dispose(): void {
    removeLabParameters(this.params); // the keyword head and the visual dictionary
    this.optimizer.dispose();
    if (this.teacher) tf.dispose([...this.teacher.values()]);
    tf.dispose(Object.values(this.state));
    for (const p of this.pending) p.packed.dispose();
    this.pending = [];
  }
}
