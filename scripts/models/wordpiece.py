"""A lowercase WordPiece tokenizer (BERT's scheme) built from the sample text, and its tokenizer.json.

The vocabulary: the special tokens, every punctuation mark of the sample, the 26 letters alone and
as `##` continuations (so no ASCII word is unknown), the suffix pieces, then the sample's words,
except a word that is a stem of three or more letters plus a suffix whose stem is also a word:
`dogs` is left out so that it splits into `dog ##s`.
"""

import string
import unicodedata

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PAD, UNK, CLS, SEP, MASK = SPECIALS
SUFFIXES = ["ing", "ed", "s"]
MIN_STEM = 3
PREFIX = "##"
MAX_CHARS_PER_WORD = 100


def is_punctuation(ch):
    """BERT's test: ASCII symbols count as punctuation as well as Unicode's P* categories."""
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def normalize(text):
    """BertNormalizer with lowercase and accent stripping (what `strip_accents: null` means then)."""
    text = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def pre_tokenize(text):
    """BertPreTokenizer: split on whitespace, and make each punctuation mark a word of its own."""
    words = []
    for chunk in text.split():
        current = ""
        for ch in chunk:
            if is_punctuation(ch):
                if current:
                    words.append(current)
                words.append(ch)
                current = ""
            else:
                current += ch
        if current:
            words.append(current)
    return words


def splits_off_suffix(word, words):
    return any(
        word.endswith(sfx) and len(word) - len(sfx) >= MIN_STEM and word[: -len(sfx)] in words
        for sfx in SUFFIXES
    )


def build_vocab(sample):
    """The token list, in id order."""
    pieces = pre_tokenize(normalize(sample))
    punctuation = sorted({p for p in pieces if len(p) == 1 and is_punctuation(p)})
    words = {p for p in pieces if not is_punctuation(p[0])}
    letters = list(string.ascii_lowercase)
    tokens = SPECIALS + punctuation + letters + [PREFIX + c for c in letters]
    tokens += [PREFIX + sfx for sfx in SUFFIXES if PREFIX + sfx not in tokens]
    tokens += sorted(w for w in words if w not in tokens and not splits_off_suffix(w, words))
    assert len(set(tokens)) == len(tokens)
    return tokens


def learn_vocab(texts, size, min_char_count=20):
    """A WordPiece vocabulary of `size` tokens learned from `texts` as Hugging Face's trainer does:
    BPE over words whose later characters carry the `##` prefix. The alphabet is every character
    seen at least `min_char_count` times (the rest become [UNK]); words with other characters do
    not take part."""
    from collections import Counter

    from bytebpe import learn_pair_merges

    words = Counter()
    for text in texts:
        words.update(pre_tokenize(normalize(text)))
    chars = Counter()
    for word, n in words.items():
        for ch in word:
            chars[ch] += n
    alphabet = sorted(ch for ch, n in chars.items() if n >= min_char_count)
    allowed = set(alphabet)
    symbols = Counter()
    for word, n in words.items():
        if len(word) <= MAX_CHARS_PER_WORD and set(word) <= allowed:
            symbols[(word[0], *(PREFIX + ch for ch in word[1:]))] += n
    tokens = list(SPECIALS)
    seen = set(tokens)
    for token in alphabet + [PREFIX + ch for ch in alphabet]:
        if token not in seen:
            tokens.append(token)
            seen.add(token)
    join = lambda a, b: a + b[len(PREFIX) :]  # noqa: E731 — b always carries the prefix
    for a, b in learn_pair_merges(symbols, size * 2, join):
        if len(tokens) >= size:
            break
        token = join(a, b)
        if token not in seen:
            tokens.append(token)
            seen.add(token)
    return tokens


def _special(token, type_id):
    return {"SpecialToken": {"id": token, "type_id": type_id}}


def _sequence(name, type_id):
    return {"Sequence": {"id": name, "type_id": type_id}}


class WordPiece:
    @classmethod
    def from_sample(cls, sample):
        return cls(build_vocab(sample))

    def __init__(self, tokens):
        """`tokens`: the vocabulary in id order, beginning with SPECIALS."""
        assert tokens[: len(SPECIALS)] == SPECIALS
        self.tokens = list(tokens)
        self.ids = {t: i for i, t in enumerate(self.tokens)}
        self._words = {}

    def split_word(self, word):
        """Greedy longest-match-first; an unmatchable word becomes [UNK] as a whole."""
        if word not in self._words:
            self._words[word] = self._split(word)
        return self._words[word]

    def _split(self, word):
        if len(word) > MAX_CHARS_PER_WORD:
            return [UNK]
        out, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = (PREFIX if start > 0 else "") + word[start:end]
                if piece in self.ids:
                    break
                end -= 1
            if end == start:
                return [UNK]
            out.append(piece)
            start = end
        return out

    def tokenize(self, text):
        return [p for w in pre_tokenize(normalize(text)) for p in self.split_word(w)]

    def encode(self, text, pair=None):
        """Tokens, ids and token type ids with [CLS] A [SEP] (B [SEP]), as the post-processor adds them."""
        tokens = [CLS] + self.tokenize(text) + [SEP]
        types = [0] * len(tokens)
        if pair is not None:
            second = self.tokenize(pair) + [SEP]
            tokens += second
            types += [1] * len(second)
        return tokens, [self.ids[t] for t in tokens], types

    def tokenizer_json(self):
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [
                {
                    "id": self.ids[t],
                    "content": t,
                    "single_word": False,
                    "lstrip": False,
                    "rstrip": False,
                    "normalized": False,
                    "special": True,
                }
                for t in SPECIALS
            ],
            "normalizer": {
                "type": "BertNormalizer",
                "clean_text": True,
                "handle_chinese_chars": True,
                "strip_accents": None,
                "lowercase": True,
            },
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [_special(CLS, 0), _sequence("A", 0), _special(SEP, 0)],
                "pair": [
                    _special(CLS, 0),
                    _sequence("A", 0),
                    _special(SEP, 0),
                    _sequence("B", 1),
                    _special(SEP, 1),
                ],
                "special_tokens": {
                    t: {"id": t, "ids": [self.ids[t]], "tokens": [t]} for t in (CLS, SEP)
                },
            },
            "decoder": {"type": "WordPiece", "prefix": PREFIX, "cleanup": True},
            "model": {
                "type": "WordPiece",
                "unk_token": UNK,
                "continuing_subword_prefix": PREFIX,
                "max_input_chars_per_word": MAX_CHARS_PER_WORD,
                "vocab": dict(self.ids),
            },
        }

    def tokenizer_config(self, max_length):
        return {
            "clean_up_tokenization_spaces": True,
            "cls_token": CLS,
            "do_basic_tokenize": True,
            "do_lower_case": True,
            "mask_token": MASK,
            "model_max_length": max_length,
            "pad_token": PAD,
            "sep_token": SEP,
            "strip_accents": None,
            "tokenize_chinese_chars": True,
            "tokenizer_class": "BertTokenizer",
            "unk_token": UNK,
        }
