import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectAcceptedOrRefused, expectRefused, fuzzRuns } from "../fuzzing.js";
import { TINY_CLIP_DIR } from "./testing.js";
import { type ClipTokenizerFiles, createClipTokenizer, TokenizerError } from "./tokenizer.js";

/** Hostile tokenizer files, and hostile captions for a valid tokenizer. */

type Json = Record<string, unknown>;
const text = (name: string) => readFileSync(join(TINY_CLIP_DIR, name), "utf8");
const tokenizerJson = JSON.parse(text("tokenizer.json")) as Json;
const model = tokenizerJson.model as Json;
const vocab = model.vocab as Record<string, number>;
const vocabJsonText = text("vocab.json");
const mergesText = text("merges.txt");
const tokenizerConfig = text("tokenizer_config.json");
/** The fixture's config.json: text_config.vocab_size and max_position_embeddings. */
const OPTIONS = { contextLength: 16, vocabSize: 664 };

const build = (files: ClipTokenizerFiles) => createClipTokenizer(files, OPTIONS);
const refuse = (files: ClipTokenizerFiles) => expectRefused(() => build(files), [TokenizerError]);
const notJson = (s: string) => {
  try {
    JSON.parse(s);
    return false;
  } catch {
    return true;
  }
};

/** A tokenizer that loads must also encode anything within bounds. */
function expectUsable(files: ClipTokenizerFiles): void {
  const result = expectAcceptedOrRefused(() => build(files), [TokenizerError]);
  if (!result.ok) return;
  const { inputIds, lengths } = result.value.encode(["a red cube left of a blue sphere", "<|endoftext|> x"]);
  expect(lengths.every((n) => n <= OPTIONS.contextLength)).toBe(true);
  expect(inputIds.every((id) => id >= 0 && id < OPTIONS.vocabSize)).toBe(true);
}

const junk = fc.oneof(
  fc.constantFrom(null, 0, -1, 2 ** 32, "BPE", true, [], {}, [1, 2], { type: 5 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Regexes that are not CLIP's, catastrophic ones among them. */
const foreignRegex = fc.oneof(
  fc.constantFrom("(a+)+$", "(a|a)*b", "(\\w+\\s?)*$", "([a-z]*)*x", "(.*){1,32000}[bc]", "[", "(?<=", "\\"),
  fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s !== "\\s+"),
);

/** Ids that no vocab of 664 tokens may hold. */
const badId = fc.oneof(
  fc.integer({ min: 664, max: 2 ** 32 }),
  fc.integer({ max: -1 }),
  fc.double({ noInteger: true }),
  fc.constantFrom("7", null, true, 2 ** 32 - 2, 1e300),
);

describe("tokenizer files: hostile input is refused with a TokenizerError", () => {
  it("tokenizer.json or tokenizer_config.json that is not JSON, or not an object", () => {
    const broken = fc.oneof(
      fc.string({ maxLength: 30 }).filter(notJson),
      fc
        .nat({ max: 21000 })
        .map((cut) => text("tokenizer.json").slice(0, cut))
        .filter(notJson),
      fc
        .jsonValue({ maxDepth: 1 })
        .filter((v) => v === null || typeof v !== "object" || Array.isArray(v))
        .map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(broken, fc.boolean(), (bad, inConfig) => {
        const files = inConfig
          ? { tokenizerJson: tokenizerJson, tokenizerConfig: bad }
          : { tokenizerJson: bad, tokenizerConfig };
        expect(refuse(files).message).toMatch(/tokenizer(_config)?\.json is not (valid JSON|a JSON object)/);
      }),
      fuzzRuns(30),
    );
  });

  it("the model section, vocab, merges or added tokens of the wrong shape", () => {
    const mutation = fc.oneof(
      junk
        .filter((v) => v === null || typeof v !== "object" || Array.isArray(v) || !("vocab" in v))
        .map((v) => ({ ...tokenizerJson, model: v })),
      fc
        .string({ maxLength: 10 })
        .filter((t) => t !== "BPE")
        .map((type) => ({ ...tokenizerJson, model: { ...model, type } })),
      junk
        .filter((v) => v === null || typeof v !== "object" || Array.isArray(v))
        .map((v) => ({ ...tokenizerJson, model: { ...model, vocab: v } })),
      junk
        .filter((v) => !Array.isArray(v))
        .map((v) => ({ ...tokenizerJson, model: { ...model, merges: v } })),
      fc
        .oneof(
          fc.string({ maxLength: 8 }).filter((s) => s.split(" ").length !== 2),
          fc.constant(["a"]),
          fc.constant([1, 2]),
        )
        .map((bad) => ({
          ...tokenizerJson,
          model: { ...model, merges: [...(model.merges as unknown[]).slice(0, 5), bad] },
        })),
      junk.filter((v) => !Array.isArray(v)).map((v) => ({ ...tokenizerJson, added_tokens: v })),
    );
    fc.assert(
      fc.property(mutation, (json) => {
        refuse({ tokenizerJson: json, tokenizerConfig });
      }),
      fuzzRuns(40),
    );
  });

  it("token ids outside the model's vocabulary (a huge one would make the library loop for minutes)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 8 }), badId, fc.boolean(), (token, id, added) => {
        const json = added
          ? {
              ...tokenizerJson,
              added_tokens: [...(tokenizerJson.added_tokens as Json[]), { id, content: token }],
            }
          : { ...tokenizerJson, model: { ...model, vocab: { ...vocab, [token]: id } } };
        expect(refuse({ tokenizerJson: json }).message).toMatch(/ids must be integers in \[0, 664\)/);
      }),
      fuzzRuns(40),
    );
  });

  it("regexes that are not CLIP's are refused before they can run", () => {
    fc.assert(
      fc.property(foreignRegex, fc.boolean(), (regex, inNormalizer) => {
        const pattern = { Regex: regex };
        const json = inNormalizer
          ? { ...tokenizerJson, normalizer: { type: "Replace", pattern, content: " " } }
          : {
              ...tokenizerJson,
              pre_tokenizer: { type: "Split", pattern, behavior: "Removed", invert: true },
            };
        expect(refuse({ tokenizerJson: json }).message).toMatch(/custom regexes are refused/);
      }),
      fuzzRuns(25),
    );
  });

  it("any other section replaced by junk: refused, or still a working tokenizer", () => {
    const section = fc.constantFrom("normalizer", "pre_tokenizer", "post_processor", "decoder", "padding");
    fc.assert(
      fc.property(section, junk, (key, value) => {
        expectUsable({ tokenizerJson: { ...tokenizerJson, [key]: value }, tokenizerConfig });
      }),
      fuzzRuns(40),
    );
  });

  it("vocab.json + merges.txt: broken merge lines, broken vocab, missing special tokens", () => {
    const badLine = fc.oneof(
      fc.stringMatching(/^[a-z]{1,4}$/),
      fc.stringMatching(/^[a-z]{1,3} [a-z]{1,3} [a-z]{1,3}$/),
    );
    const files = fc.oneof(
      badLine.map((line) => ({ vocabJson: vocabJsonText, mergesTxt: `${mergesText}${line}\n` })),
      fc
        .string({ maxLength: 20 })
        .filter(notJson)
        .map((v) => ({ vocabJson: v, mergesTxt: mergesText })),
      fc.constantFrom("<|startoftext|>", "<|endoftext|>").map((special) => {
        const v = JSON.parse(vocabJsonText) as Json;
        delete v[special];
        return { vocabJson: v, mergesTxt: mergesText };
      }),
    );
    fc.assert(
      fc.property(files, (f) => {
        refuse(f);
      }),
      fuzzRuns(30),
    );
  });
});

describe("a valid tokenizer and hostile captions", () => {
  const tokenizer = build({ tokenizerJson, tokenizerConfig });

  it("any text encodes to exactly contextLength ids, all in the vocabulary, quickly", () => {
    const caption = fc.oneof(
      fc.string({ unit: "binary", maxLength: 400 }),
      fc.string({ unit: "grapheme", maxLength: 200 }),
      fc.constantFrom(
        "<|startoftext|><|endoftext|>",
        "\u0000\uffff\ud800",
        " ".repeat(5000),
        "a".repeat(20000),
      ),
    );
    fc.assert(
      fc.property(fc.array(caption, { minLength: 1, maxLength: 3 }), (texts) => {
        const started = performance.now();
        const { inputIds, shape, lengths } = tokenizer.encode(texts);
        expect(performance.now() - started).toBeLessThan(2000);
        expect(shape).toEqual([texts.length, OPTIONS.contextLength]);
        expect(lengths.every((n) => n >= 2 && n <= OPTIONS.contextLength)).toBe(true);
        expect(inputIds.every((id) => id >= 0 && id < OPTIONS.vocabSize)).toBe(true);
      }),
      fuzzRuns(40),
    );
  });
});
