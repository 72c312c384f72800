import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJson, TINY_CLIP_DIR } from "./testing.js";
import {
  buildClipTokenizerJson,
  createClipTokenizer,
  parseMergesTxt,
  writeTokenizerFiles,
} from "./tokenizer.js";

interface Expected {
  texts: string[];
  token_ids: number[][];
  input_ids: number[][];
  context_length: number;
  sot: number;
  eot: number;
}

const fixtureText = (name: string) => readFileSync(join(TINY_CLIP_DIR, name), "utf8");
const expected = readJson<Expected>(join(TINY_CLIP_DIR, "expected.json"));
const tokenizerJsonText = fixtureText("tokenizer.json");
const tokenizerConfigText = fixtureText("tokenizer_config.json");
const vocabText = fixtureText("vocab.json");
const mergesText = fixtureText("merges.txt");
// config.json text_config.pad_token_id, which the loader passes as padTokenId.
const CONFIG_PAD_ID = 0;

const fromTokenizerJson = (padTokenId?: number) =>
  createClipTokenizer(
    { tokenizerJson: tokenizerJsonText, tokenizerConfig: tokenizerConfigText },
    { contextLength: expected.context_length, padTokenId },
  );

const LONG_TEXT = Array.from({ length: 120 }, (_, i) => `word${i} the red cube, left of sphere #${i}!`).join(
  " ",
);

// Punctuation, digits, contractions, unicode (composed/decomposed, CJK, emoji, RTL), whitespace, special-token text.
const VARIED_TEXTS = [
  "Hello, World!!! ...?",
  "e-mail: foo.bar@example.com; $100.50 & 20% off (really)",
  "1234567890 and 3.14159",
  "it's we're they've I'm you'll he'd DON'T",
  "naïve café résumé",
  "e\u0301 decomposed vs \u00e9 composed",
  "ÜNÏCÖDÉ ÇAPS straße",
  "日本語のテキスト 中文",
  "emoji 😀🎉 and ❤️ hearts",
  "مرحبا بالعالم",
  "Ⅻ roman numerals and x² superscripts",
  "ﬁ ligature ﬀ",
  "   leading and trailing   ",
  "tabs\tand\nnew\r\nlines\u00a0nbsp",
  "<|endoftext|> inside <|startoftext|> text",
  "UPPER lower MiXeD CaSe",
  "a",
  "!!!???;;;",
  "zxqv qwrtp kjjjh",
  LONG_TEXT,
];

describe("createClipTokenizer with the tiny HF fixture", () => {
  const tokenizer = fromTokenizerJson(CONFIG_PAD_ID);

  it("gives HF's token ids for every fixture text", () => {
    expect(expected.texts).toHaveLength(7);
    expected.texts.forEach((text, i) => {
      expect(tokenizer.tokenize(text)).toEqual(expected.token_ids[i]);
    });
  });

  it("pads and truncates to HF's input_ids", () => {
    const { inputIds, shape, lengths } = tokenizer.encode(expected.texts);
    expect(shape).toEqual([7, 16]);
    expect(Array.from(inputIds)).toEqual(expected.input_ids.flat());
    expect(lengths).toEqual([15, 12, 13, 16, 12, 2, 7]);
  });

  it("exposes the special ids and vocab size", () => {
    expect(tokenizer.bosTokenId).toBe(expected.sot);
    expect(tokenizer.eosTokenId).toBe(expected.eot);
    expect(tokenizer.padTokenId).toBe(0);
    expect(tokenizer.vocabSize).toBe(664);
    expect(tokenizer.contextLength).toBe(16);
  });

  it("keeps end-of-text last when truncating a long text", () => {
    const full = tokenizer.tokenize(LONG_TEXT);
    expect(full.length).toBeGreaterThan(100);
    const { inputIds, lengths } = tokenizer.encode([LONG_TEXT]);
    const row = Array.from(inputIds);
    expect(row).toHaveLength(16);
    expect(lengths).toEqual([16]);
    expect(row.slice(0, 15)).toEqual(full.slice(0, 15));
    expect(row[15]).toBe(663);
  });

  it("tokenizes the empty string to [bos, eos]", () => {
    expect(tokenizer.tokenize("")).toEqual([662, 663]);
    expect(Array.from(tokenizer.encode([""]).inputIds)).toEqual([662, 663, ...new Array(14).fill(0)]);
  });

  it("decodes ids to lower-cased text, stopping at end-of-text", () => {
    const { inputIds } = tokenizer.encode(["Two small DOGS, playing on the grass!"]);
    expect(tokenizer.decode(inputIds)).toBe("two small dogs , playing on the grass !");
    expect(tokenizer.decode([662, 663])).toBe("");
  });

  it("falls back to the tokenizer's pad token, then tokenizer.json padding", () => {
    expect(fromTokenizerJson(undefined).padTokenId).toBe(663);
    const withPadding = { ...JSON.parse(tokenizerJsonText), padding: { pad_id: 5, pad_token: "&" } };
    const tok = createClipTokenizer({ tokenizerJson: withPadding }, { contextLength: 4 });
    expect(tok.padTokenId).toBe(5);
    expect(Array.from(tok.encode(["", "a photo of a cube"]).inputIds)).toEqual([
      662, 663, 5, 5, 662, 320, 637, 663,
    ]);
  });

  it("rejects a context too short for the special tokens, and missing files", () => {
    expect(() => createClipTokenizer({ tokenizerJson: tokenizerJsonText }, { contextLength: 1 })).toThrow(
      /no room/,
    );
    expect(() => createClipTokenizer({ vocabJson: vocabText }, { contextLength: 16 })).toThrow(/merges.txt/);
  });
});

describe("tokenizer.json built from vocab.json + merges.txt", () => {
  it("equals the fixture's tokenizer.json", () => {
    const built = buildClipTokenizerJson(JSON.parse(vocabText), parseMergesTxt(mergesText));
    expect(built).toEqual(JSON.parse(tokenizerJsonText));
  });

  it("drops merges from the first one the vocab cannot hold (OpenAI's merges.txt is longer)", () => {
    const merges = [
      ...parseMergesTxt(mergesText),
      ["zz", "zq"] as [string, string],
      ["t", "h"] as [string, string],
    ];
    const built = buildClipTokenizerJson(JSON.parse(vocabText), merges) as { model: { merges: unknown[] } };
    expect(built.model.merges).toHaveLength(150);
  });

  it("tokenizes every text exactly as the fixture's tokenizer.json", () => {
    const fromFiles = createClipTokenizer(
      { vocabJson: vocabText, mergesTxt: mergesText, tokenizerConfig: tokenizerConfigText },
      { contextLength: 16, padTokenId: CONFIG_PAD_ID },
    );
    const reference = fromTokenizerJson(CONFIG_PAD_ID);
    const texts = [...expected.texts, ...VARIED_TEXTS];
    expect(texts).toHaveLength(27);
    for (const text of texts) expect(fromFiles.tokenize(text)).toEqual(reference.tokenize(text));
    expect(Array.from(fromFiles.encode(texts).inputIds)).toEqual(
      Array.from(reference.encode(texts).inputIds),
    );
    expect(fromFiles.tokenize(expected.texts[3])).toEqual(expected.token_ids[3]);
  });

  it("works without tokenizer_config.json, using CLIP's special token names", () => {
    const tok = createClipTokenizer(
      { vocabJson: JSON.parse(vocabText), mergesTxt: mergesText },
      { contextLength: 16 },
    );
    expect([tok.bosTokenId, tok.eosTokenId, tok.padTokenId]).toEqual([662, 663, 663]);
    expect(tok.tokenize(expected.texts[0])).toEqual(expected.token_ids[0]);
  });
});

/** GPT-2/CLIP byte-to-unicode table: printable bytes map to themselves, the rest to U+0100 on. */
function byteSymbols(): string[] {
  const printable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const symbols: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) symbols.push(String.fromCodePoint(printable(b) ? b : next++));
  return symbols;
}

describe("writeTokenizerFiles round trip with a hand-made vocab", () => {
  const bytes = byteSymbols();
  const words = ["c", "ca", "cat</w>", "d", "do", "dog</w>"];
  const merges = ["c a", "ca t</w>", "d o", "do g</w>"];
  const vocab: Record<string, number> = {};
  for (const token of [...bytes, ...bytes.map((b) => `${b}</w>`), ...words.filter((w) => w.length > 1)]) {
    vocab[token] = Object.keys(vocab).length;
  }
  const bos = Object.keys(vocab).length;
  vocab["<|startoftext|>"] = bos;
  vocab["<|endoftext|>"] = bos + 1;
  const files = writeTokenizerFiles(vocab, merges, { modelMaxLength: 8 });
  const id = (token: string) => vocab[token];

  it("writes the five HF tokenizer files", () => {
    expect(Object.keys(files).sort()).toEqual([
      "merges.txt",
      "special_tokens_map.json",
      "tokenizer.json",
      "tokenizer_config.json",
      "vocab.json",
    ]);
    expect(files["merges.txt"]).toBe("#version: 0.2\nc a\nca t</w>\nd o\ndo g</w>\n");
    expect(JSON.parse(files["vocab.json"])).toEqual(vocab);
    const config = JSON.parse(files["tokenizer_config.json"]);
    expect(config).toMatchObject({
      tokenizer_class: "CLIPTokenizer",
      model_max_length: 8,
      bos_token: "<|startoftext|>",
      eos_token: "<|endoftext|>",
      pad_token: "<|endoftext|>",
      unk_token: "<|endoftext|>",
    });
    expect(config.added_tokens_decoder[String(bos)].content).toBe("<|startoftext|>");
    expect(JSON.parse(files["special_tokens_map.json"]).eos_token).toBe("<|endoftext|>");
    expect(bytes).toHaveLength(256);
    expect(new Set(bytes).size).toBe(256);
  });

  it("loads back and splits unseen words into byte pieces", () => {
    const tok = createClipTokenizer(
      { tokenizerJson: files["tokenizer.json"], tokenizerConfig: files["tokenizer_config.json"] },
      { contextLength: 8 },
    );
    expect(tok.vocabSize).toBe(518); // 256 bytes, 256 with </w>, 4 merges, 2 special
    expect(tok.tokenize("Cat dog")).toEqual([bos, id("cat</w>"), id("dog</w>"), bos + 1]);
    expect(tok.tokenize("zebra")).toEqual([bos, id("z"), id("e"), id("b"), id("r"), id("a</w>"), bos + 1]);
    // "é" is UTF-8 C3 A9, written as the byte symbols "Ã" and "©".
    expect(tok.tokenize("é")).toEqual([bos, id("Ã"), id("©</w>"), bos + 1]);
    expect(tok.decode(tok.tokenize("zebra é cat"))).toBe("zebra é cat");
  });

  it("gives the same ids from its vocab.json + merges.txt", () => {
    const fromJson = createClipTokenizer({ tokenizerJson: files["tokenizer.json"] }, { contextLength: 8 });
    const fromFiles = createClipTokenizer(
      { vocabJson: files["vocab.json"], mergesTxt: files["merges.txt"] },
      { contextLength: 8 },
    );
    for (const text of ["cat dog catdog", "zebra!", ...VARIED_TEXTS]) {
      expect(fromFiles.tokenize(text)).toEqual(fromJson.tokenize(text));
    }
  });

  it("refuses a vocab without the special tokens", () => {
    const { "<|endoftext|>": _eos, ...noEos } = vocab;
    expect(() => writeTokenizerFiles(noEos, merges)).toThrow(/<\|endoftext\|>/);
  });
});
