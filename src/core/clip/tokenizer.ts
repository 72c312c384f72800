import { Tokenizer } from "@huggingface/tokenizers";
import { CLIP_SPLIT_PATTERN, checkTokenizerJson, MAX_TOKEN_ID, TokenizerError } from "./tokenizerCheck.js";

export { CLIP_SPLIT_PATTERN, TokenizerError };

/**
 * CLIP's byte-level BPE tokenizer, run by `@huggingface/tokenizers` from a checkpoint's
 * `tokenizer.json`, or from `vocab.json` + `merges.txt` turned into the same tokenizer.json.
 */

export interface ClipTokenizerFiles {
  /** tokenizer.json, parsed or as text. */
  tokenizerJson?: unknown | string;
  /** tokenizer_config.json, parsed or as text (special token names). */
  tokenizerConfig?: unknown | string;
  /** vocab.json, parsed or as text; used with `mergesTxt` when there is no tokenizer.json. */
  vocabJson?: unknown | string;
  mergesTxt?: string;
}

export interface ClipTokenizerOptions {
  /** Rows of `encode` have exactly this many ids (the text tower's max_position_embeddings). */
  contextLength: number;
  /** The model config's `text_config.pad_token_id`; wins over the tokenizer's pad token (see `resolvePadTokenId`). */
  padTokenId?: number;
  /** Used only when the tokenizer files do not name an end-of-text token. */
  eosTokenId?: number;
  /** Used only when the tokenizer files do not name a start-of-text token. */
  bosTokenId?: number;
  /** The model config's `text_config.vocab_size`: every token id must be below it. */
  vocabSize?: number;
}

export interface EncodedBatch {
  /** Row-major [texts, contextLength] ids. */
  inputIds: Int32Array;
  shape: [number, number];
  /** Ids per row before padding (start and end tokens included). */
  lengths: number[];
}

export interface ClipTokenizer {
  readonly contextLength: number;
  /** Number of ids (special tokens included): every id is below it. */
  readonly vocabSize: number;
  readonly bosTokenId: number;
  readonly eosTokenId: number;
  readonly padTokenId: number;
  /** HF `tokenizer(text)["input_ids"]`: start and end tokens, no padding or truncation. */
  tokenize(text: string): number[];
  /** HF `tokenizer(texts, padding="max_length", truncation=True, max_length=contextLength)`. */
  encode(texts: string[]): EncodedBatch;
  /** Text for display: stops at the first end-of-text token and drops special tokens. */
  decode(ids: ArrayLike<number>): string;
}

export const CLIP_BOS_TOKEN = "<|startoftext|>";
export const CLIP_EOS_TOKEN = "<|endoftext|>";

/** What `special_tokens_map.json` / `tokenizer_config.json` name; CLIP uses `<|endoftext|>` for eos, unk and pad. */
export interface ClipSpecialTokens {
  bosToken: string;
  eosToken: string;
  unkToken: string;
  padToken: string;
}

const DEFAULT_SPECIAL_TOKENS: ClipSpecialTokens = {
  bosToken: CLIP_BOS_TOKEN,
  eosToken: CLIP_EOS_TOKEN,
  unkToken: CLIP_EOS_TOKEN,
  padToken: CLIP_EOS_TOKEN,
};

type JsonObject = Record<string, unknown>;
export type MergePair = [string, string];

function asObject(value: unknown, name: string): JsonObject {
  let parsed = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch (e) {
      throw new TokenizerError(`${name} is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new TokenizerError(`${name} is not a JSON object`);
  }
  return parsed as JsonObject;
}

/** A special token in tokenizer_config.json is a string or an AddedToken object `{ content }`. */
function tokenName(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as JsonObject).content === "string") {
    return (value as JsonObject).content as string;
  }
  return undefined;
}

/** merges.txt lines (after the `#version` header) as pairs; blank lines are skipped. */
export function parseMergesTxt(text: string): MergePair[] {
  const pairs: MergePair[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.length === 0 || line.startsWith("#version")) continue;
    const parts = line.split(" ");
    if (parts.length !== 2) throw new TokenizerError(`merges.txt: bad line "${line.slice(0, 60)}"`);
    pairs.push([parts[0], parts[1]]);
  }
  return pairs;
}

function toPair(merge: string | MergePair): MergePair {
  if (Array.isArray(merge)) return [merge[0], merge[1]];
  const parts = merge.split(" ");
  if (parts.length !== 2) throw new TokenizerError(`bad merge "${merge.slice(0, 60)}"`);
  return [parts[0], parts[1]];
}

/**
 * The tokenizer.json that HF writes for CLIP (same structure as `CLIPTokenizerFast` saves),
 * built from vocab.json + merges.txt. OpenAI's merges.txt holds more merges than the vocab
 * uses (HF's slow tokenizer keeps only the first 49152-256-2); the Rust BPE model refuses a
 * merge whose parts or result are not in the vocab, so merges are kept up to the first such one.
 */
export function buildClipTokenizerJson(
  vocab: Record<string, number>,
  merges: readonly (string | MergePair)[],
  specialTokens: Partial<ClipSpecialTokens> = {},
): JsonObject {
  const special = { ...DEFAULT_SPECIAL_TOKENS, ...specialTokens };
  const usedMerges: MergePair[] = [];
  for (const merge of merges) {
    const [left, right] = toPair(merge);
    if (!(left in vocab && right in vocab && left + right in vocab)) break;
    usedMerges.push([left, right]);
  }
  const specialIds = new Map<string, number>();
  for (const name of [special.bosToken, special.eosToken, special.unkToken, special.padToken]) {
    const id = vocab[name];
    if (id === undefined) throw new TokenizerError(`vocab has no special token "${name}"`);
    specialIds.set(name, id);
  }
  const addedTokens = [...specialIds]
    .sort((a, b) => a[1] - b[1])
    .map(([content, id]) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    }));
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: {
      type: "Sequence",
      normalizers: [
        { type: "NFC" },
        { type: "Replace", pattern: { Regex: "\\s+" }, content: " " },
        { type: "Lowercase" },
      ],
    },
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        { type: "Split", pattern: { Regex: CLIP_SPLIT_PATTERN }, behavior: "Removed", invert: true },
        { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
      ],
    },
    post_processor: {
      type: "RobertaProcessing",
      sep: [special.eosToken, vocab[special.eosToken]],
      cls: [special.bosToken, vocab[special.bosToken]],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: special.unkToken,
      continuing_subword_prefix: "",
      end_of_word_suffix: "</w>",
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: usedMerges,
    },
  };
}

export interface TokenizerFileOptions extends Partial<ClipSpecialTokens> {
  /** tokenizer_config.json `model_max_length` (HF CLIP checkpoints: 77). */
  modelMaxLength?: number;
}

/**
 * Contents of the five tokenizer files of an HF CLIP checkpoint, for a model trained with its
 * own vocabulary; `CLIPTokenizer(Fast)` / `AutoTokenizer` load them. The vocab must hold the
 * special tokens.
 */
export function writeTokenizerFiles(
  vocab: Record<string, number>,
  merges: readonly (string | MergePair)[],
  opts: TokenizerFileOptions = {},
): Record<string, string> {
  const { modelMaxLength = 77, ...names } = opts;
  const special = { ...DEFAULT_SPECIAL_TOKENS, ...names };
  const tokenizerJson = buildClipTokenizerJson(vocab, merges, special);
  const usedMerges = (tokenizerJson.model as { merges: MergePair[] }).merges;
  const addedTokensDecoder: JsonObject = {};
  for (const token of tokenizerJson.added_tokens as { id: number }[]) {
    const { id, ...rest } = token;
    addedTokensDecoder[String(id)] = rest;
  }
  const specialTokensMap = {
    bos_token: special.bosToken,
    eos_token: special.eosToken,
    pad_token: special.padToken,
    unk_token: special.unkToken,
  };
  const tokenizerConfig = {
    add_prefix_space: false,
    added_tokens_decoder: addedTokensDecoder,
    ...specialTokensMap,
    clean_up_tokenization_spaces: false,
    do_lower_case: true,
    errors: "replace",
    model_max_length: modelMaxLength,
    tokenizer_class: "CLIPTokenizer",
  };
  return {
    "tokenizer.json": JSON.stringify(tokenizerJson, null, 2),
    "vocab.json": JSON.stringify(vocab),
    "merges.txt": `#version: 0.2\n${usedMerges.map(([a, b]) => `${a} ${b}`).join("\n")}\n`,
    "tokenizer_config.json": JSON.stringify(tokenizerConfig, null, 2),
    "special_tokens_map.json": JSON.stringify(specialTokensMap, null, 2),
  };
}

/** The special token names tokenizer_config.json gives (strings or AddedToken objects). */
function configuredNames(config: JsonObject): Partial<ClipSpecialTokens> {
  const names: Partial<ClipSpecialTokens> = {};
  const fields = {
    bosToken: "bos_token",
    eosToken: "eos_token",
    unkToken: "unk_token",
    padToken: "pad_token",
  } as const;
  for (const [key, field] of Object.entries(fields) as [keyof ClipSpecialTokens, string][]) {
    const name = tokenName(config[field]);
    if (name !== undefined) names[key] = name;
  }
  return names;
}

function loadTokenizerJson(files: ClipTokenizerFiles, config: JsonObject): JsonObject {
  if (files.tokenizerJson !== undefined) return asObject(files.tokenizerJson, "tokenizer.json");
  if (files.vocabJson === undefined || files.mergesTxt === undefined) {
    throw new TokenizerError("the tokenizer needs tokenizer.json, or vocab.json and merges.txt");
  }
  const vocab = asObject(files.vocabJson, "vocab.json") as Record<string, number>;
  return buildClipTokenizerJson(vocab, parseMergesTxt(files.mergesTxt), configuredNames(config));
}

/**
 * The padding id, first match wins:
 * 1. `opts.padTokenId`: the model config's `text_config.pad_token_id`. The reference
 *    `expected.json` (transformers 5.17) pads with 0, its config's pad_token_id, not with the
 *    id of its tokenizer's pad token `<|endoftext|>` (663), so the loader passes the config's
 *    id. OpenAI's CLIP also pads with 0. The text tower is causal and pools at the first
 *    end-of-text token, so the padding id never changes a text embedding.
 * 2. tokenizer.json `padding.pad_id` (what the Rust tokenizer pads with when padding is baked in).
 * 3. tokenizer_config.json `pad_token`, resolved to its id (HF tokenizer's own `pad_token_id`).
 * 4. the end-of-text id (CLIP's default pad token is `<|endoftext|>`).
 */
function resolvePadTokenId(
  opts: ClipTokenizerOptions,
  tokenizerJson: JsonObject,
  padToken: string | undefined,
  idOf: (token: string) => number | undefined,
  eosTokenId: number,
): number {
  if (opts.padTokenId !== undefined) return opts.padTokenId;
  const padding = tokenizerJson.padding as { pad_id?: unknown } | null | undefined;
  if (padding && typeof padding.pad_id === "number") return padding.pad_id;
  const fromConfig = padToken === undefined ? undefined : idOf(padToken);
  return fromConfig ?? eosTokenId;
}

/** Builds the tokenizer; every problem with the files is a TokenizerError. */
export function createClipTokenizer(files: ClipTokenizerFiles, opts: ClipTokenizerOptions): ClipTokenizer {
  try {
    return buildClipTokenizer(files, opts);
  } catch (e) {
    if (e instanceof TokenizerError) throw e;
    // What the checks do not foresee still reaches the user as one line naming the files.
    throw new TokenizerError(`the tokenizer files are malformed: ${(e as Error).message}`);
  }
}

function buildClipTokenizer(files: ClipTokenizerFiles, opts: ClipTokenizerOptions): ClipTokenizer {
  const config =
    files.tokenizerConfig === undefined ? {} : asObject(files.tokenizerConfig, "tokenizer_config.json");
  const tokenizerJson = loadTokenizerJson(files, config);
  checkTokenizerJson(tokenizerJson, opts.vocabSize ?? MAX_TOKEN_ID);
  const tokenizer = new Tokenizer(tokenizerJson, config);
  const idOf = (token: string) => tokenizer.token_to_id(token);

  // The ids the post-processor adds to an empty text: CLIP's [bos, eos].
  const specialTokens = tokenizer.post_processor ? tokenizer.post_processor([], null, true).tokens : [];
  // Token names: tokenizer_config.json, else the post-processor's template, else the model config's ids.
  const names = configuredNames(config);
  const pick = (candidates: (string | undefined)[], fallback: number | undefined, what: string): number => {
    for (const name of candidates) {
      const id = name === undefined ? undefined : idOf(name);
      if (id !== undefined) return id;
    }
    if (fallback === undefined) throw new TokenizerError(`the tokenizer has no ${what} token`);
    return fallback;
  };
  const bosTokenId = pick([names.bosToken, specialTokens[0]], opts.bosTokenId, "start-of-text");
  const eosTokenId = pick([names.eosToken, specialTokens.at(-1)], opts.eosTokenId, "end-of-text");
  const padTokenId = resolvePadTokenId(opts, tokenizerJson, names.padToken, idOf, eosTokenId);
  const vocabLimit = opts.vocabSize ?? MAX_TOKEN_ID;
  const specialIds: [string, number][] = [
    ["start-of-text", bosTokenId],
    ["end-of-text", eosTokenId],
    ["padding", padTokenId],
  ];
  for (const [what, id] of specialIds) {
    // The model looks every id up in its embedding table: one outside it would fail mid-run.
    if (!Number.isInteger(id) || id < 0 || id >= vocabLimit) {
      throw new TokenizerError(`the ${what} token id ${id} is outside the vocabulary [0, ${vocabLimit})`);
    }
  }
  const unkName = (tokenizerJson.model as JsonObject | undefined)?.unk_token;
  const unkTokenId = typeof unkName === "string" ? idOf(unkName) : undefined;

  const contextLength = opts.contextLength;
  if (!Number.isInteger(contextLength) || contextLength < specialTokens.length) {
    throw new TokenizerError(
      `contextLength ${contextLength} leaves no room for the ${specialTokens.length} special tokens`,
    );
  }
  let vocabSize = 0; // a loop, not Math.max(...ids): large vocabs overflow the argument limit
  for (const id of tokenizer.get_vocab(true).values()) vocabSize = Math.max(vocabSize, id + 1);

  const toIds = (tokens: string[]) =>
    tokens.map((token) => {
      const id = idOf(token) ?? unkTokenId;
      if (id === undefined)
        throw new TokenizerError(`token "${token}" is not in the vocab and there is no unk token`);
      return id;
    });

  // HF truncation: cut the text's own tokens to leave room for the special tokens, then let
  // the post-processor add them, so the last id is always end-of-text.
  const truncatedIds = (text: string): number[] => {
    const body = tokenizer.tokenize(text, { add_special_tokens: false });
    const kept = body.slice(0, contextLength - specialTokens.length);
    return toIds(tokenizer.post_processor ? tokenizer.post_processor(kept, null, true).tokens : kept);
  };

  return {
    contextLength,
    vocabSize,
    bosTokenId,
    eosTokenId,
    padTokenId,
    tokenize: (text) => tokenizer.encode(text).ids,
    encode(texts) {
      const inputIds = new Int32Array(texts.length * contextLength).fill(padTokenId);
      const lengths = texts.map((text, row) => {
        const ids = truncatedIds(text);
        inputIds.set(ids, row * contextLength);
        return ids.length;
      });
      return { inputIds, shape: [texts.length, contextLength], lengths };
    },
    decode(ids) {
      const all = Array.from(ids);
      const start = all[0] === bosTokenId ? 1 : 0;
      const end = all.indexOf(eosTokenId, start);
      const content = all.slice(start, end === -1 ? all.length : end);
      if (content.length === 0) return "";
      return tokenizer
        .decode(content, { skip_special_tokens: true, clean_up_tokenization_spaces: false })
        .trim();
    },
  };
}
