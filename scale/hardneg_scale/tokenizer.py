"""CLIP's byte-level BPE tokenizer from a checkpoint's `tokenizer.json`, in plain Python:
the subset of Hugging Face `tokenizers` that CLIP checkpoints use (NFC / Replace / Lowercase
normalisers, Split + ByteLevel pre-tokenizers, BPE with an end-of-word suffix, Roberta or
template post-processing). Padding and truncation follow src/core/clip/tokenizer.ts.
"""

import functools
import re
import sys
import unicodedata

import torch

CLIP_SPLIT_PATTERN = (
    r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"
)
GPT2_PATTERN = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"


#: Every letter (L*) and number (N*) lies below U+40000 (planes 3+ hold none beyond CJK).
_LAST_CLASSIFIED = 0x40000


@functools.lru_cache(maxsize=None)
def _category_ranges() -> dict:
    """Regex class bodies (no brackets) of the code points of each major category L and N."""
    parts = {"L": [], "N": []}
    start = {"L": None, "N": None}

    def close(major, end):
        first = start[major]
        parts[major].append(re.escape(chr(first)) + ("" if end == first else "-" + re.escape(chr(end))))
        start[major] = None

    for cp in range(_LAST_CLASSIFIED + 1):
        major = unicodedata.category(chr(cp))[0] if cp < _LAST_CLASSIFIED else ""
        for m in ("L", "N"):
            if major == m and start[m] is None:
                start[m] = cp
            elif major != m and start[m] is not None:
                close(m, cp - 1)
    return {m: "".join(p) for m, p in parts.items()}


def translate_pattern(pattern: str) -> re.Pattern:
    """Oniguruma/Rust `\\p{L}` and `\\p{N}` rewritten as explicit classes for Python's `re`."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        if pattern.startswith(r"\p{", i):
            end = pattern.index("}", i)
            body = _category_ranges()[pattern[i + 3 : end][0]]
            out.append(body if in_class else f"[{body}]")
            i = end + 1
            continue
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return re.compile("".join(out))


def bytes_to_unicode() -> dict:
    printable = [*range(33, 127), *range(161, 173), *range(174, 256)]
    table, extra = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


def _token_name(value):
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("content"), str):
        return value["content"]
    return None


def build_clip_tokenizer_json(vocab: dict, merges_txt: str, names: dict) -> dict:
    """The tokenizer.json HF writes for CLIP, from vocab.json + merges.txt (as buildClipTokenizerJson)."""
    merges = []
    for line in merges_txt.splitlines():
        if not line or line.startswith("#version"):
            continue
        left, right = line.split(" ")
        if not (left in vocab and right in vocab and left + right in vocab):
            break
        merges.append([left, right])
    eos = names.get("eos_token", "<|endoftext|>")
    bos = names.get("bos_token", "<|startoftext|>")
    return {
        "added_tokens": [{"id": vocab[t], "content": t} for t in sorted({bos, eos}, key=lambda t: vocab[t])],
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {"type": "NFC"},
                {"type": "Replace", "pattern": {"Regex": r"\s+"}, "content": " "},
                {"type": "Lowercase"},
            ],
        },
        "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": CLIP_SPLIT_PATTERN}, "behavior": "Removed", "invert": True},
                {"type": "ByteLevel", "add_prefix_space": False, "use_regex": True},
            ],
        },
        "post_processor": {"type": "RobertaProcessing", "sep": [eos, vocab[eos]], "cls": [bos, vocab[bos]]},
        "model": {
            "type": "BPE", "unk_token": names.get("unk_token", eos), "continuing_subword_prefix": "",
            "end_of_word_suffix": "</w>", "vocab": vocab, "merges": merges,
        },
    }


class ClipTokenizer:
    def __init__(self, tokenizer_json: dict, tokenizer_config: dict | None, context_length: int,
                 pad_token_id: int | None = None, eos_token_id: int | None = None, bos_token_id: int | None = None):
        config = tokenizer_config or {}
        model = tokenizer_json.get("model") or {}
        if model.get("type", "BPE") != "BPE":
            raise ValueError(f"tokenizer.json: model type {model.get('type')} is not supported (BPE only)")
        self.vocab = dict(model["vocab"])
        self.suffix = model.get("end_of_word_suffix") or ""
        self.prefix = model.get("continuing_subword_prefix") or ""
        self.ranks = {}
        for rank, merge in enumerate(model.get("merges", [])):
            pair = tuple(merge.split(" ")) if isinstance(merge, str) else tuple(merge)
            self.ranks.setdefault(pair, rank)
        for token in tokenizer_json.get("added_tokens") or []:
            self.vocab.setdefault(token["content"], token["id"])
        self.added = sorted((t["content"] for t in tokenizer_json.get("added_tokens") or []), key=len, reverse=True)
        self.unk_id = self.vocab.get(model.get("unk_token")) if model.get("unk_token") else None
        self.normalizers = self._flatten(tokenizer_json.get("normalizer"), "normalizers")
        self.pre_tokenizers = self._flatten(tokenizer_json.get("pre_tokenizer"), "pretokenizers")
        self.byte_map = bytes_to_unicode()
        self.patterns = {}
        self.specials = self._special_template(tokenizer_json.get("post_processor"))

        def pick(field, candidate, fallback, what):
            for name in (_token_name(config.get(field)), candidate):
                if name is not None and name in self.vocab:
                    return self.vocab[name]
            if fallback is None:
                raise ValueError(f"the tokenizer has no {what} token")
            return fallback

        head = self.specials[0] if self.specials else None
        tail = self.specials[-1] if self.specials else None
        self.bos_token_id = pick("bos_token", head, bos_token_id, "start-of-text")
        self.eos_token_id = pick("eos_token", tail, eos_token_id, "end-of-text")
        padding = tokenizer_json.get("padding") or {}
        pad_name = _token_name(config.get("pad_token"))
        if pad_token_id is not None:
            self.pad_token_id = pad_token_id
        elif isinstance(padding.get("pad_id"), int):
            self.pad_token_id = padding["pad_id"]
        else:
            self.pad_token_id = self.vocab.get(pad_name, self.eos_token_id)
        self.context_length = context_length
        if context_length < len(self.specials):
            raise ValueError(f"context length {context_length} leaves no room for the special tokens")

    @staticmethod
    def _flatten(node, key):
        if not node:
            return []
        if node.get("type") == "Sequence":
            return [leaf for child in node[key] for leaf in ClipTokenizer._flatten(child, key)]
        return [node]

    @staticmethod
    def _special_template(post) -> list:
        if not post:
            return []
        if post.get("type") in ("RobertaProcessing", "BertProcessing"):
            return [post["cls"][0], post["sep"][0]]
        if post.get("type") == "TemplateProcessing":
            return [p["SpecialToken"]["id"] for p in post.get("single", []) if "SpecialToken" in p]
        raise ValueError(f"tokenizer.json: post_processor {post.get('type')} is not supported")

    def _pattern(self, node) -> re.Pattern:
        source = node["pattern"].get("Regex")
        key = source if source is not None else "s:" + node["pattern"]["String"]
        if key not in self.patterns:
            self.patterns[key] = translate_pattern(source) if source is not None else re.compile(re.escape(key[2:]))
        return self.patterns[key]

    def _normalize(self, text: str) -> str:
        for n in self.normalizers:
            kind = n["type"]
            if kind in ("NFC", "NFD", "NFKC", "NFKD"):
                text = unicodedata.normalize(kind, text)
            elif kind == "Lowercase":
                text = text.lower()
            elif kind == "Replace":
                text = self._pattern(n).sub(n["content"].replace("\\", "\\\\"), text)
            elif kind == "Strip":
                text = text.strip()
            else:
                raise ValueError(f"tokenizer.json: normalizer {kind} is not supported")
        return text

    def _pre_tokenize(self, text: str) -> list:
        pieces = [text]
        for p in self.pre_tokenizers:
            kind = p["type"]
            if kind == "Split":
                pieces = [s for piece in pieces for s in self._split(piece, p)]
            elif kind == "ByteLevel":
                if p.get("add_prefix_space") and pieces and not pieces[0].startswith(" "):
                    pieces[0] = " " + pieces[0]
                if p.get("use_regex", True):
                    if "gpt2" not in self.patterns:
                        self.patterns["gpt2"] = translate_pattern(GPT2_PATTERN)
                    pieces = [m.group(0) for piece in pieces for m in self.patterns["gpt2"].finditer(piece)]
                pieces = ["".join(self.byte_map[b] for b in piece.encode("utf-8")) for piece in pieces]
            elif kind == "WhitespaceSplit":
                pieces = [s for piece in pieces for s in piece.split()]
            else:
                raise ValueError(f"tokenizer.json: pre_tokenizer {kind} is not supported")
        return [p for p in pieces if p]

    def _split(self, piece: str, node) -> list:
        behavior, invert = node.get("behavior", "Removed"), node.get("invert", False)
        out, last = [], 0
        for m in self._pattern(node).finditer(piece):
            gap, match = piece[last : m.start()], m.group(0)
            last = m.end()
            if behavior == "Isolated":
                out += [gap, match]
            elif behavior == "Removed":
                out.append(match if invert else gap)
            else:
                raise ValueError(f"tokenizer.json: Split behavior {behavior} is not supported")
        if not invert or behavior == "Isolated":
            out.append(piece[last:])
        return out

    @functools.lru_cache(maxsize=65536)
    def _bpe(self, word: str) -> tuple:
        symbols = [(self.prefix if i else "") + ch for i, ch in enumerate(word)]
        symbols[-1] += self.suffix
        while len(symbols) > 1:
            best = min(range(len(symbols) - 1), key=lambda i: self.ranks.get((symbols[i], symbols[i + 1]), 1 << 62))
            pair = (symbols[best], symbols[best + 1])
            if pair not in self.ranks:
                break
            merged = pair[0] + pair[1][len(self.prefix) :]
            symbols = symbols[:best] + [merged] + symbols[best + 2 :]
        ids = []
        for s in symbols:
            if s in self.vocab:
                ids.append(self.vocab[s])
            elif self.unk_id is not None:
                ids.append(self.unk_id)
            else:
                raise ValueError(f'token "{s}" is not in the vocab and there is no unk token')
        return tuple(ids)

    def _body(self, text: str) -> list:
        """Ids of the text without special tokens; added tokens in the text map directly."""
        if self.added:
            parts = re.split("(" + "|".join(map(re.escape, self.added)) + ")", text)
        else:
            parts = [text]
        ids = []
        for i, part in enumerate(parts):
            if i % 2:
                ids.append(self.vocab[part])
            elif part:
                for word in self._pre_tokenize(self._normalize(part)):
                    ids.extend(self._bpe(word))
        return ids

    def tokenize(self, text: str) -> list:
        """HF `tokenizer(text)["input_ids"]`, truncated to the context length (end-of-text kept)."""
        body = self._body(text)[: self.context_length - len(self.specials)]
        if not self.specials:
            return body
        return [self.vocab[self.specials[0]], *body, *[self.vocab[s] for s in self.specials[1:]]]

    def encode(self, texts: list) -> torch.Tensor:
        """[len(texts), context_length] int64 ids, padded with the pad id."""
        out = torch.full((len(texts), self.context_length), self.pad_token_id, dtype=torch.long)
        for row, text in enumerate(texts):
            ids = self.tokenize(text)
            out[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
        return out
