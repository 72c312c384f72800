/**
 * Checks a tokenizer.json before `@huggingface/tokenizers` runs it. The library trusts its
 * input: a field of the wrong type surfaces as a TypeError deep inside it, a token id near
 * 2^32 makes `get_vocab` loop for minutes, and a regex with nested quantifiers can take
 * exponential time on one caption. So the fields it reads are checked here, ids must fit the
 * model, and regexes are limited to the two that transformers' CLIP converter writes.
 */

export class TokenizerError extends Error {
  override name = "TokenizerError";
}

/** CLIP's pre-tokenization regex (OpenAI's `clip/simple_tokenizer.py`), as HF writes it. */
export const CLIP_SPLIT_PATTERN =
  "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

/** The only regexes a CLIP tokenizer.json holds: the split above and the whitespace collapse. */
const KNOWN_PATTERNS = new Set([CLIP_SPLIT_PATTERN, "\\s+"]);

/** Ids at or above this are refused when the model's vocab_size is not given. */
export const MAX_TOKEN_ID = 1 << 24;

/** Sections of tokenizer.json that may hold regex patterns (the model holds only data). */
const PATTERN_SECTIONS = ["normalizer", "pre_tokenizer", "decoder", "post_processor"];

const MAX_DEPTH = 32;

function fail(message: string): never {
  throw new TokenizerError(`tokenizer.json: ${message}`);
}

function short(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkId(what: string, id: unknown, vocabSize: number): void {
  if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= vocabSize) {
    fail(`${what} has id ${short(String(id))}; ids must be integers in [0, ${vocabSize})`);
  }
}

function checkModel(model: unknown, vocabSize: number): void {
  if (!isRecord(model)) fail("model must be an object");
  if (model.type !== undefined && model.type !== "BPE") {
    fail(`model.type is ${short(String(model.type))}; CLIP uses "BPE"`);
  }
  if (!isRecord(model.vocab)) fail("model.vocab must be an object of token -> id");
  for (const [token, id] of Object.entries(model.vocab)) checkId(`token "${short(token)}"`, id, vocabSize);
  if (!Array.isArray(model.merges)) fail("model.merges must be an array");
  model.merges.forEach((merge, i) => {
    const pair = typeof merge === "string" ? merge.split(" ") : merge;
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((part) => typeof part === "string")) {
      fail(`model.merges[${i}] must be "left right" or ["left", "right"]`);
    }
  });
}

function checkAddedTokens(added: unknown, vocabSize: number): void {
  if (!Array.isArray(added)) fail("added_tokens must be an array");
  added.forEach((token, i) => {
    if (!isRecord(token) || typeof token.content !== "string") {
      fail(`added_tokens[${i}] must be an object with a string "content"`);
    }
    checkId(`added token "${short(token.content)}"`, token.id, vocabSize);
  });
}

/** CLIP's post-processor adds `cls` and `sep`, each a [token, id] pair. */
function checkPostProcessor(post: unknown): void {
  if (!isRecord(post) || (post.type !== "RobertaProcessing" && post.type !== "BertProcessing")) return;
  for (const key of ["cls", "sep"]) {
    const pair = post[key];
    if (!Array.isArray(pair) || typeof pair[0] !== "string" || !Number.isInteger(pair[1])) {
      fail(`post_processor.${key} must be a [token, id] pair`);
    }
  }
}

/** Every `{ "Regex": ... }` pattern in a section, which must be one CLIP's converter writes. */
function checkPatterns(value: unknown, path: string, depth: number): void {
  if (depth > MAX_DEPTH) fail(`${path} is nested more than ${MAX_DEPTH} levels deep`);
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      checkPatterns(item, `${path}[${i}]`, depth + 1);
    });
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, item] of Object.entries(value)) {
    if (key === "Regex" && !(typeof item === "string" && KNOWN_PATTERNS.has(item))) {
      fail(
        `${path} has the regex ${short(JSON.stringify(item) ?? String(item))}, which is not CLIP's; ` +
          "custom regexes are refused (one can take exponential time on a caption)",
      );
    }
    checkPatterns(item, `${path}.${key}`, depth + 1);
  }
}

/** Throws a TokenizerError naming the first field `@huggingface/tokenizers` would trip on. */
export function checkTokenizerJson(json: Record<string, unknown>, vocabSize = MAX_TOKEN_ID): void {
  checkModel(json.model, vocabSize);
  checkAddedTokens(json.added_tokens, vocabSize);
  checkPostProcessor(json.post_processor);
  for (const section of PATTERN_SECTIONS) checkPatterns(json[section], section, 0);
}
