"""Whole words: the share of a text's words that a demo tokenizer keeps as one token.

A word is a run of letters as the tokenizer's own pre-tokenizer cuts the text (GPT: with its
leading space, `Ġthe`; BERT: lowercased, accents stripped); numbers, punctuation and
contractions' `'s` are not counted. Both tokenizers are learned greedily, so the first N tokens
of a vocabulary are the vocabulary of size N learned from the same text (the earlier models'
4,096 included): `truncated` measures a smaller one without learning it again.
"""

import re

import bytebpe
import wordpiece

LETTERS = re.compile(r"[^\W\d_]+")
# What analyze.py reports: a vocabulary is large enough when this share of the held-out prose's
# words are single tokens (issue 14).
TARGET = 0.95


def words(kind, text):
    if kind == "gpt":
        return [w for w in bytebpe.pre_tokenize(text) if LETTERS.fullmatch(w.lstrip("Ġ"))]
    return [w for w in wordpiece.pre_tokenize(wordpiece.normalize(text)) if LETTERS.fullmatch(w)]


def truncated(kind, tokenizer, size):
    """The vocabulary of `size` tokens learned from the same text as `tokenizer`."""
    if kind == "gpt":
        return bytebpe.ByteBPE(tokenizer.merges[: size - len(bytebpe.BYTES) - 1])
    return wordpiece.WordPiece(tokenizer.tokens[:size])


def whole_words(kind, tokenizer, texts):
    """(share of the words kept whole, number of words, the words split, each with its pieces)."""
    found = [w for t in texts for w in words(kind, t)]
    split = [(w, tokenizer.split_word(w)) for w in found if len(tokenizer.split_word(w)) > 1]
    return 1 - len(split) / len(found), len(found), split
