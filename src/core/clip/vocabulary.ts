/**
 * A tiny byte-level BPE vocabulary for a closed word list (the built-in world's grammar):
 * every listed word becomes one token, and any other text still tokenises, through the
 * 256 byte symbols, exactly as CLIP's own tokenizer does with unseen words.
 */

/** GPT-2/CLIP's reversible byte -> printable-unicode map. */
export function bytesToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const table: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = printable.includes(b) ? String.fromCharCode(b) : String.fromCharCode(256 + extra++);
  }
  return table;
}

/**
 * Learns merges over `words` (each counted once), most frequent pair first, ties broken
 * alphabetically, until every word is a single symbol: encoding with these merges in order
 * reproduces the same segmentation, so each word is one token.
 */
export function learnWordMerges(words: string[]): string[] {
  const byteSymbols = bytesToUnicode();
  const encoder = new TextEncoder();
  let segmented = [...new Set(words.map((w) => w.toLowerCase()))].map((w) => {
    const symbols = Array.from(encoder.encode(w), (b) => byteSymbols[b]);
    symbols[symbols.length - 1] += "</w>";
    return symbols;
  });
  const merges: string[] = [];
  for (;;) {
    const counts = new Map<string, number>();
    for (const symbols of segmented) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const pair = `${symbols[i]} ${symbols[i + 1]}`;
        counts.set(pair, (counts.get(pair) ?? 0) + 1);
      }
    }
    if (counts.size === 0) return merges;
    const [best] = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    merges.push(best);
    const [left, right] = best.split(" ");
    segmented = segmented.map((symbols) => {
      const out: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
          out.push(left + right);
          i++;
        } else out.push(symbols[i]);
      }
      return out;
    });
  }
}

/** vocab.json and merges for `words`: bytes, bytes + "</w>", every merge result, then specials. */
export function buildWordVocabulary(words: string[]): { vocab: Record<string, number>; merges: string[] } {
  const bytes = bytesToUnicode();
  const tokens = [...bytes, ...bytes.map((b) => `${b}</w>`)];
  const merges = learnWordMerges(words);
  for (const merge of merges) tokens.push(merge.replace(" ", ""));
  tokens.push("<|startoftext|>", "<|endoftext|>");
  const vocab: Record<string, number> = {};
  for (const token of tokens) if (!(token in vocab)) vocab[token] = Object.keys(vocab).length;
  return { vocab, merges };
}
