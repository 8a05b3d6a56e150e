"""What training, export and analysis share: the two demo models' shapes, tokenizers and modules."""

from collections import Counter

import torch
from torch import nn

import bytebpe
from bert import Bert
from common import gelu
from gpt2 import Gpt2
from wordpiece import WordPiece, learn_vocab

NAMES = {"gpt": "attnviz-demo-gpt", "bert": "attnviz-demo-bert"}
# Vocabularies: the smallest multiples of 512 that keep 95% of the held-out prose's words whole
# (issue 14; analyze.py measures it, words.py): byte-level BPE needs more, as it is cased and
# learns a word with and without its leading space.
CONFIGS = {
    "gpt": {"layers": 4, "heads": 4, "hidden": 128, "positions": 128, "eps": 1e-5, "vocab": 13824, "context": 128},
    "bert": {
        "layers": 4,
        "heads": 4,
        "hidden": 128,
        "intermediate": 512,
        "max_positions": 128,
        "type_vocab": 2,
        "eps": 1e-12,
        "vocab": 10752,
        "context": 128,
    },
}


def build_tokenizer(kind, paragraphs, size):
    if kind == "gpt":
        words = Counter()
        for p in paragraphs:
            words.update(bytebpe.pre_tokenize(p))
        merges = bytebpe.learn_pair_merges(Counter({tuple(w): n for w, n in words.items()}), size - 256 - 1)
        return bytebpe.ByteBPE(merges)
    return WordPiece(learn_vocab(paragraphs, size))


def tokenizer_from_checkpoint(kind, checkpoint):
    if kind == "gpt":
        return bytebpe.ByteBPE([tuple(m) for m in checkpoint["merges"]])
    return WordPiece(checkpoint["tokens"])


def encode_paragraphs(kind, tokenizer, paragraphs):
    """One stream of ids: GPT paragraphs each followed by <|endoftext|>; BERT's run together."""
    ids = []
    for p in paragraphs:
        if kind == "gpt":
            ids += tokenizer.encode(p)[1] + [tokenizer.eos_id]
        else:
            ids += [tokenizer.ids[t] for t in tokenizer.tokenize(p)]
    return torch.tensor(ids, dtype=torch.long)


class DemoGpt(Gpt2):
    def __init__(self, c):
        super().__init__(c, c["vocab"], "classic")
        self.c = c

    def empty_past(self, batch):
        shape = (batch, self.c["heads"], 0, self.c["hidden"] // self.c["heads"])
        return [(torch.zeros(shape), torch.zeros(shape)) for _ in range(self.c["layers"])]


def gpt_model(c):
    return DemoGpt(c)


class BertMaskedLM(nn.Module):
    """BERT with its masked-LM head (dense, GELU, LayerNorm, tied decoder + bias) → logits."""

    def __init__(self, c, vocab_size):
        super().__init__()
        self.bert = Bert(c, vocab_size)
        self.transform = nn.Linear(c["hidden"], c["hidden"])
        self.transform_norm = nn.LayerNorm(c["hidden"], eps=c["eps"])
        self.decoder_bias = nn.Parameter(torch.zeros(vocab_size))

    def forward(self, input_ids, attention_mask, token_type_ids, taps=None):
        return self.head(self.bert(input_ids, attention_mask, token_type_ids, taps))

    def head(self, hidden):
        """Logits from final hidden states (training runs it on the masked positions only)."""
        x = self.transform_norm(gelu(self.transform(hidden)))
        return torch.matmul(x, self.bert.word_embeddings.weight.t()) + self.decoder_bias
