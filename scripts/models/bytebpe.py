"""A byte-level BPE tokenizer (GPT-2's scheme) learned from the sample text, and its tokenizer.json.

Text is split into words by GPT-2's pattern, each word's UTF-8 bytes are written as printable
characters (a space becomes `Ġ`), and merges are learned greedily: the most frequent adjacent
pair, ties broken by the pair's text, until `merges` are learned or no pair occurs twice. Ids:
the 256 byte characters, then each merge's result, then `<|endoftext|>`.
"""

import heapq
import re
from collections import Counter, defaultdict

END_OF_TEXT = "<|endoftext|>"

# GPT-2's split, with \p{L} and \p{N} spelled for Python's `re` (the same on the texts used here).
WORD = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+""")


def byte_alphabet():
    """Byte → character: printable Latin-1 bytes stand for themselves, the rest move past U+00FF."""
    printable = [*range(0x21, 0x7F), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    chars = {b: chr(b) for b in printable}
    shifted = [b for b in range(256) if b not in chars]
    chars.update({b: chr(0x100 + i) for i, b in enumerate(shifted)})
    return chars


BYTES = byte_alphabet()


def pre_tokenize(text):
    return ["".join(BYTES[b] for b in w.encode("utf-8")) for w in WORD.findall(text)]


def merge_pair(symbols, pair, join=lambda a, b: a + b):
    """`symbols` with every occurrence of `pair`, left to right, joined into one symbol."""
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(join(symbols[i], symbols[i + 1]))
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


def learn_merges(sample, merges):
    return learn_pair_merges(Counter(tuple(w) for w in pre_tokenize(sample)), merges)


def learn_pair_merges(word_counts, merges, join=lambda a, b: a + b):
    """BPE merges from {symbols: count}: the most frequent adjacent pair, ties broken by the pair's
    text, until `merges` are learned or no pair occurs twice. Only the words holding the merged
    pair are recounted, and the next pair comes from a heap of (−count, pair) whose stale entries
    (the count changed since) are skipped, so this scales to a corpus and to tens of thousands of
    merges (a scan of every pair per merge took minutes for 24,000)."""
    words = [tuple(w) for w in word_counts]
    counts = list(word_counts.values())
    pairs, where = Counter(), defaultdict(set)
    for i, symbols in enumerate(words):
        for pair in zip(symbols, symbols[1:]):
            pairs[pair] += counts[i]
            where[pair].add(i)
    heap = [(-n, pair) for pair, n in pairs.items()]
    heapq.heapify(heap)
    learned = []
    while len(learned) < merges and heap:
        negative, pair = heapq.heappop(heap)
        if pairs.get(pair) != -negative:
            continue  # stale: this pair's count changed after the entry was pushed
        if -negative < 2:
            break
        learned.append(pair)
        del pairs[pair]
        changed = set()
        for i in sorted(where.pop(pair)):
            old, n = words[i], counts[i]
            new = merge_pair(old, pair, join)
            if new == old:
                continue  # a stale entry: an earlier merge took this word's pair
            for p in zip(old, old[1:]):
                if p == pair:
                    continue
                pairs[p] -= n
                changed.add(p)
                if not pairs[p]:
                    del pairs[p]
            for p in zip(new, new[1:]):
                pairs[p] += n
                where[p].add(i)
                changed.add(p)
            words[i] = new
        for p in changed:
            if p in pairs:
                heapq.heappush(heap, (-pairs[p], p))
    return learned


class ByteBPE:
    @classmethod
    def learn(cls, sample, merges):
        return cls(learn_merges(sample, merges))

    def __init__(self, merges):
        """`merges`: [(left, right)], in rank order."""
        self.merges = list(merges)
        self._words = {}
        self.ranks = {pair: i for i, pair in enumerate(self.merges)}
        tokens = list(BYTES.values())
        for a, b in self.merges:
            if a + b not in tokens:
                tokens.append(a + b)
        tokens.append(END_OF_TEXT)
        self.tokens = tokens
        self.ids = {t: i for i, t in enumerate(tokens)}
        self.eos_id = self.ids[END_OF_TEXT]

    def split_word(self, word):
        if word in self._words:
            return self._words[word]
        self._words[word] = self._split(word)
        return self._words[word]

    def _split(self, word):
        symbols = tuple(word)
        while len(symbols) > 1:
            ranked = [self.ranks[p] for p in zip(symbols, symbols[1:]) if p in self.ranks]
            if not ranked:
                break
            symbols = merge_pair(symbols, self.merges[min(ranked)])
        return list(symbols)

    def encode(self, text):
        """Tokens and ids; like GPT-2, no special tokens are added."""
        tokens = [t for w in pre_tokenize(text) for t in self.split_word(w)]
        return tokens, [self.ids[t] for t in tokens]

    def tokenizer_json(self):
        byte_level = {"add_prefix_space": False, "trim_offsets": True, "use_regex": True}
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [
                {
                    "id": self.eos_id,
                    "content": END_OF_TEXT,
                    "single_word": False,
                    "lstrip": False,
                    "rstrip": False,
                    "normalized": True,
                    "special": True,
                }
            ],
            "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", **byte_level},
            "post_processor": {"type": "ByteLevel", **byte_level, "trim_offsets": False},
            "decoder": {"type": "ByteLevel", **byte_level},
            "model": {
                "type": "BPE",
                "dropout": None,
                "unk_token": None,
                "continuing_subword_prefix": "",
                "end_of_word_suffix": "",
                "fuse_unk": False,
                "byte_fallback": False,
                "ignore_merges": False,
                "vocab": dict(self.ids),
                "merges": [f"{a} {b}" for a, b in self.merges],
            },
        }

    def tokenizer_config(self, max_length):
        return {
            "add_bos_token": False,
            "add_prefix_space": False,
            "bos_token": END_OF_TEXT,
            "clean_up_tokenization_spaces": False,
            "eos_token": END_OF_TEXT,
            "model_max_length": max_length,
            "tokenizer_class": "GPT2Tokenizer",
            "unk_token": END_OF_TEXT,
        }
