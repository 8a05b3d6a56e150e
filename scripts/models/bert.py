"""tiny-bert: a BERT encoder, attention written the classic way (Q·Kᵀ, Div √d, Add mask, Softmax, ·V).

Post-LayerNorm blocks as BERT's, learned absolute positions and token type embeddings. The ONNX
graph has an Optimum feature-extraction export's interface: input_ids, attention_mask,
token_type_ids → last_hidden_state.
"""

import math

import torch
from torch import nn

from common import (
    Fixture,
    check_example,
    export_onnx,
    gelu,
    init_weights,
    json_bytes,
    reference_json,
    tapped_tensors,
)
from text import BERT_EXAMPLES, SAMPLE
from wordpiece import PAD, WordPiece

CONFIG = {
    "layers": 2,
    "heads": 2,
    "hidden": 16,
    "intermediate": 32,
    "max_positions": 64,
    "type_vocab": 2,
    "eps": 1e-12,
}
INPUTS = ["input_ids", "attention_mask", "token_type_ids"]
OUTPUT = "last_hidden_state"


class SelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads = c["heads"]
        self.head_dim = c["hidden"] // c["heads"]
        self.query = nn.Linear(c["hidden"], c["hidden"])
        self.key = nn.Linear(c["hidden"], c["hidden"])
        self.value = nn.Linear(c["hidden"], c["hidden"])

    def split_heads(self, x):
        b, s, _ = x.shape
        return x.view(b, s, self.heads, self.head_dim).permute(0, 2, 1, 3)

    def forward(self, x, mask, taps):
        q = self.split_heads(self.query(x))
        k = self.split_heads(self.key(x))
        v = self.split_heads(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        probs = torch.softmax(scores + mask, dim=-1)
        if taps is not None:
            taps.append({"attention": probs, "queries": q, "keys": k, "values": v})
        context = torch.matmul(probs, v).permute(0, 2, 1, 3)
        return context.reshape(x.shape)


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = SelfAttention(c)
        self.attention_output = nn.Linear(c["hidden"], c["hidden"])
        self.attention_norm = nn.LayerNorm(c["hidden"], eps=c["eps"])
        self.intermediate = nn.Linear(c["hidden"], c["intermediate"])
        self.output = nn.Linear(c["intermediate"], c["hidden"])
        self.output_norm = nn.LayerNorm(c["hidden"], eps=c["eps"])

    def forward(self, x, mask, taps):
        a = self.attention_norm(x + self.attention_output(self.attention(x, mask, taps)))
        return self.output_norm(a + self.output(gelu(self.intermediate(a))))


class Bert(nn.Module):
    def __init__(self, c, vocab_size):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab_size, c["hidden"])
        self.position_embeddings = nn.Embedding(c["max_positions"], c["hidden"])
        self.token_type_embeddings = nn.Embedding(c["type_vocab"], c["hidden"])
        self.embedding_norm = nn.LayerNorm(c["hidden"], eps=c["eps"])
        self.layers = nn.ModuleList(Layer(c) for _ in range(c["layers"]))
        positions = torch.arange(c["max_positions"]).unsqueeze(0)
        self.register_buffer("position_ids", positions, persistent=False)

    def forward(self, input_ids, attention_mask, token_type_ids, taps=None):
        positions = self.position_ids[:, : input_ids.shape[1]]
        x = (
            self.word_embeddings(input_ids)
            + self.token_type_embeddings(token_type_ids)
            + self.position_embeddings(positions)
        )
        x = self.embedding_norm(x)
        # BERT's extended mask: 0 where attended, the most negative float32 where padded.
        padding = 1.0 - attention_mask[:, None, None, :].to(torch.float32)
        mask = padding * torch.finfo(torch.float32).min
        for layer in self.layers:
            x = layer(x, mask, taps)
        return x


def config_json(c, vocab_size):
    return {
        "architectures": ["BertModel"],
        "attention_probs_dropout_prob": 0.0,
        "classifier_dropout": None,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0,
        "hidden_size": c["hidden"],
        "intermediate_size": c["intermediate"],
        "layer_norm_eps": c["eps"],
        "max_position_embeddings": c["max_positions"],
        "model_type": "bert",
        "num_attention_heads": c["heads"],
        "num_hidden_layers": c["layers"],
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "type_vocab_size": c["type_vocab"],
        "use_cache": True,
        "vocab_size": vocab_size,
    }


def tokenizer_files(tokenizer, c):
    assert tokenizer.ids[PAD] == 0, "config.json says pad_token_id 0"
    return {
        "tokenizer.json": json_bytes(tokenizer.tokenizer_json()),
        "tokenizer_config.json": json_bytes(tokenizer.tokenizer_config(c["max_positions"])),
    }


def encode_examples(tokenizer):
    """Each reference example's text (and pair), tokens, ids and token types."""
    out = []
    for text, pair in BERT_EXAMPLES:
        tokens, ids, types = tokenizer.encode(text, pair)
        example = {"text": text}
        if pair is not None:
            example["textPair"] = pair
        example.update({"tokens": tokens, "ids": ids, "tokenTypeIds": types})
        if pair is not None:
            example["sentenceBStart"] = types.index(1)
        out.append(example)
    return out


def feeds(example):
    """The model's inputs for one example (batch of one), as lists of ints."""
    ids = example["ids"]
    return {"input_ids": ids, "attention_mask": [1] * len(ids), "token_type_ids": example["tokenTypeIds"]}


def build(name):
    c = CONFIG
    tokenizer = WordPiece.from_sample(SAMPLE)
    vocab_size = len(tokenizer.tokens)
    model = Bert(c, vocab_size).eval()
    init_weights(model)

    dummy = torch.tensor([[2, 10, 11, 12, 3]])
    args = (dummy, torch.ones_like(dummy), torch.zeros_like(dummy))
    axes = {n: {0: "batch_size", 1: "sequence_length"} for n in INPUTS + [OUTPUT]}
    onnx_bytes = export_onnx(model, args, INPUTS, [OUTPUT], axes)

    examples, checks = [], []
    for example in encode_examples(tokenizer):
        inputs = feeds(example)
        taps = []
        with torch.no_grad():
            hidden = model(*(torch.tensor([inputs[n]]) for n in INPUTS), taps)
        examples.append({**example, **tapped_tensors(taps)})
        checks.append(check_example(inputs, hidden))

    head_dim = c["hidden"] // c["heads"]
    files = {
        "config.json": json_bytes(config_json(c, vocab_size)),
        **tokenizer_files(tokenizer, c),
        "onnx/model.onnx": onnx_bytes,
        "reference.json": reference_json(
            name,
            examples,
            causal=False,
            vectors_scaled=False,
            layers=c["layers"],
            heads=c["heads"],
            head_dim=head_dim,
        ),
    }
    return Fixture(files, {"output": OUTPUT, "examples": checks})
