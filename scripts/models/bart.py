"""tiny-bart: a BART encoder-decoder in the transformers.js layout of a seq2seq model.

BART's attention: q scaled by 1/√d right after its projection, heads folded into the batch
(`[b·h, s, d]`) for `bmm(q, kᵀ)`, the mask added in `[b, h, t, s]`, Softmax, `bmm(P, v)`. Post-LayerNorm
blocks, learned positions offset by 2, a LayerNorm on the embeddings, erf GELU, the LM head tied
to the shared token embedding. The decoder has self attention (causal) and cross attention over
the encoder's hidden states in each layer.

Files, as Optimum / Xenova export a seq2seq model:
- `onnx/encoder_model.onnx`: input_ids, attention_mask → last_hidden_state;
- `onnx/decoder_model_merged.onnx`: the decoder exported without a past (encoder_attention_mask,
  input_ids, encoder_hidden_states → logits, present.{i}.decoder.key/value,
  present.{i}.encoder.key/value) and with one (cross keys and values from
  past_key_values.{i}.encoder.*, no encoder_hidden_states) merged under one
  `If(use_cache_branch)` (merge.py). The Hub's repos also hold the first alone as
  `decoder_model.onnx`; it is left out here to keep the folder small.
"""

import torch
from torch import nn

from bytebpe import END_OF_TEXT, ByteBPE
from common import (
    Fixture,
    check_example,
    export_onnx,
    gelu,
    init_weights,
    json_bytes,
    reference_bytes,
    tapped_tensors,
)
from merge import merge_decoders
from text import BART_EXAMPLES, SAMPLE

CONFIG = {
    "encoder_layers": 2,
    "decoder_layers": 2,
    "heads": 2,
    "hidden": 16,
    "ffn": 32,
    "positions": 64,
    "eps": 1e-5,
}
MAX_MERGES = 128
# BART's learned positions start at index 2 (the embedding has positions + 2 rows).
POSITION_OFFSET = 2
MIN_FLOAT = torch.finfo(torch.float32).min

BOS, PAD, EOS, UNK, MASK = "<s>", "<pad>", "</s>", "<unk>", "<mask>"


class Tokenizer:
    """BART's byte-level BPE: `<s>` `<pad>` `</s>` `<unk>` first, the byte-level tokens and merges,
    `<mask>` last; a text becomes `<s> … </s>` (RobertaProcessing)."""

    def __init__(self, bpe):
        self.bpe = bpe
        self.tokens = [BOS, PAD, EOS, UNK, *(t for t in bpe.tokens if t != END_OF_TEXT), MASK]
        self.ids = {t: i for i, t in enumerate(self.tokens)}

    def encode(self, text):
        tokens = [BOS, *self.bpe.encode(text)[0], EOS]
        return tokens, [self.ids[t] for t in tokens]

    def tokenizer_json(self):
        data = self.bpe.tokenizer_json()
        template = data["added_tokens"][0]
        specials = (BOS, PAD, EOS, UNK, MASK)
        data["added_tokens"] = [{**template, "id": self.ids[t], "content": t} for t in specials]
        data["post_processor"] = {
            "type": "RobertaProcessing",
            "sep": [EOS, self.ids[EOS]],
            "cls": [BOS, self.ids[BOS]],
            "trim_offsets": True,
            "add_prefix_space": False,
        }
        data["model"]["vocab"] = dict(self.ids)
        return data

    def tokenizer_config(self, max_length):
        return {
            "add_prefix_space": False,
            "bos_token": BOS,
            "clean_up_tokenization_spaces": False,
            "cls_token": BOS,
            "eos_token": EOS,
            "mask_token": MASK,
            "model_max_length": max_length,
            "pad_token": PAD,
            "sep_token": EOS,
            "tokenizer_class": "BartTokenizer",
            "unk_token": UNK,
        }


def lower_triangle(n):
    """[1, 1, n, n] bool, true where a query (row) may see a key (column)."""
    return torch.tril(torch.ones(n, n, dtype=torch.bool)).view(1, 1, n, n)


def padding_mask(attention_mask):
    """BART's expanded mask [b, 1, 1, s]: 0 where attended, the most negative float32 where padded."""
    return (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * MIN_FLOAT


class Attention(nn.Module):
    def __init__(self, c, cross):
        super().__init__()
        self.cross = cross
        self.heads = c["heads"]
        self.head_dim = c["hidden"] // c["heads"]
        self.scaling = self.head_dim**-0.5
        self.k_proj = nn.Linear(c["hidden"], c["hidden"])
        self.v_proj = nn.Linear(c["hidden"], c["hidden"])
        self.q_proj = nn.Linear(c["hidden"], c["hidden"])
        self.out_proj = nn.Linear(c["hidden"], c["hidden"])

    def split_heads(self, x, b):
        return x.view(b, -1, self.heads, self.head_dim).transpose(1, 2).contiguous()

    def forward(self, x, encoder=None, past=None, mask=None, taps=None):
        """`past`: (key, value) `[b, h, ·, d]`: cross attention's own, or what self attention's
        keys and values continue. Returns the output and the (key, value) to cache."""
        b, t, _ = x.shape
        q = self.q_proj(x) * self.scaling
        if self.cross and past is not None:
            key, value = past
        else:
            source = encoder if self.cross else x
            key = self.split_heads(self.k_proj(source), b)
            value = self.split_heads(self.v_proj(source), b)
            if past is not None:
                key = torch.cat([past[0], key], dim=2)
                value = torch.cat([past[1], value], dim=2)
        folded = (b * self.heads, -1, self.head_dim)
        q = self.split_heads(q, b).view(*folded)
        k = key.reshape(*folded)
        v = value.reshape(*folded)
        s = k.size(1)
        scores = torch.bmm(q, k.transpose(1, 2))
        if mask is not None:
            scores = (scores.view(b, self.heads, t, s) + mask).view(b * self.heads, t, s)
        probs = torch.softmax(scores, dim=-1)
        if taps is not None:
            taps.append(
                {
                    "attention": probs.view(b, self.heads, t, s),
                    "queries": q.view(b, self.heads, t, self.head_dim),
                    "keys": k.view(b, self.heads, s, self.head_dim),
                    "values": v.view(b, self.heads, s, self.head_dim),
                }
            )
        context = torch.bmm(probs, v).view(b, self.heads, t, self.head_dim).transpose(1, 2).reshape(b, t, -1)
        return self.out_proj(context), (key, value)


class EncoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self_attn = Attention(c, cross=False)
        self.self_attn_layer_norm = nn.LayerNorm(c["hidden"], eps=c["eps"])
        self.fc1 = nn.Linear(c["hidden"], c["ffn"])
        self.fc2 = nn.Linear(c["ffn"], c["hidden"])
        self.final_layer_norm = nn.LayerNorm(c["hidden"], eps=c["eps"])

    def forward(self, x, mask, taps):
        a, _ = self.self_attn(x, mask=mask, taps=taps)
        x = self.self_attn_layer_norm(x + a)
        return self.final_layer_norm(x + self.fc2(gelu(self.fc1(x))))


class DecoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self_attn = Attention(c, cross=False)
        self.self_attn_layer_norm = nn.LayerNorm(c["hidden"], eps=c["eps"])
        self.encoder_attn = Attention(c, cross=True)
        self.encoder_attn_layer_norm = nn.LayerNorm(c["hidden"], eps=c["eps"])
        self.fc1 = nn.Linear(c["hidden"], c["ffn"])
        self.fc2 = nn.Linear(c["ffn"], c["hidden"])
        self.final_layer_norm = nn.LayerNorm(c["hidden"], eps=c["eps"])

    def forward(self, x, encoder, self_mask, cross_mask, past, taps):
        """`past`: (self key, self value, cross key, cross value) or None; `taps`: {"decoder": [],
        "cross": []} or None. Returns the output and the four tensors to cache."""
        self_taps, cross_taps = (taps["decoder"], taps["cross"]) if taps is not None else (None, None)
        a, self_kv = self.self_attn(x, past=past and past[:2], mask=self_mask, taps=self_taps)
        x = self.self_attn_layer_norm(x + a)
        a, cross_kv = self.encoder_attn(x, encoder, past=past and past[2:], mask=cross_mask, taps=cross_taps)
        x = self.encoder_attn_layer_norm(x + a)
        x = self.final_layer_norm(x + self.fc2(gelu(self.fc1(x))))
        return x, (*self_kv, *cross_kv)


class Bart(nn.Module):
    def __init__(self, c, vocab_size):
        super().__init__()
        self.shared = nn.Embedding(vocab_size, c["hidden"])
        self.encoder_positions = nn.Embedding(c["positions"] + POSITION_OFFSET, c["hidden"])
        self.encoder_layernorm_embedding = nn.LayerNorm(c["hidden"], eps=c["eps"])
        self.encoder_layers = nn.ModuleList(EncoderLayer(c) for _ in range(c["encoder_layers"]))
        self.decoder_positions = nn.Embedding(c["positions"] + POSITION_OFFSET, c["hidden"])
        self.decoder_layernorm_embedding = nn.LayerNorm(c["hidden"], eps=c["eps"])
        self.decoder_layers = nn.ModuleList(DecoderLayer(c) for _ in range(c["decoder_layers"]))
        self.register_buffer("causal", lower_triangle(c["positions"]), persistent=False)
        self.register_buffer("mask_values", torch.tensor([0.0, MIN_FLOAT]), persistent=False)

    def encode(self, input_ids, attention_mask, taps=None):
        positions = torch.arange(input_ids.shape[1]).unsqueeze(0) + POSITION_OFFSET
        x = self.encoder_layernorm_embedding(self.shared(input_ids) + self.encoder_positions(positions))
        mask = padding_mask(attention_mask)
        for layer in self.encoder_layers:
            x = layer(x, mask, taps)
        return x

    def decode(self, input_ids, encoder_hidden_states, encoder_attention_mask, past=None, taps=None):
        """Logits, and per layer the four tensors to cache. `past`: per layer (self key, self value,
        cross key, cross value), or None for a whole text (cross keys from the encoder's states)."""
        t = input_ids.shape[1]
        start = 0 if past is None else past[0][0].shape[2]
        positions = torch.arange(start, start + t).unsqueeze(0) + POSITION_OFFSET
        x = self.decoder_layernorm_embedding(self.shared(input_ids) + self.decoder_positions(positions))
        allowed = self.causal[:, :, start : start + t, : start + t]
        self_mask = torch.where(allowed, self.mask_values[0], self.mask_values[1])
        cross_mask = padding_mask(encoder_attention_mask)
        presents = []
        for i, layer in enumerate(self.decoder_layers):
            x, present = layer(x, encoder_hidden_states, self_mask, cross_mask, past and past[i], taps)
            presents.append(present)
        return torch.matmul(x, self.shared.weight.t()), presents


class EncoderExport(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return self.model.encode(input_ids, attention_mask)


class DecoderExport(nn.Module):
    """The decoder with flat arguments and results, as Optimum exports it without a past (all four
    cached tensors out) or with one (only self attention's out: cross keys do not change)."""

    def __init__(self, model, with_past):
        super().__init__()
        self.model = model
        self.with_past = with_past

    def forward(self, encoder_attention_mask, input_ids, *rest):
        if self.with_past:
            past = [rest[i : i + 4] for i in range(0, len(rest), 4)]
            logits, presents = self.model.decode(input_ids, None, encoder_attention_mask, past)
            return (logits, *(t for p in presents for t in p[:2]))
        logits, presents = self.model.decode(input_ids, rest[0], encoder_attention_mask)
        return (logits, *(t for p in presents for t in p))


def decoder_io(layers, with_past):
    kinds = [(kind, kv) for kind in ("decoder", "encoder") for kv in ("key", "value")]
    past = [f"past_key_values.{i}.{k}.{kv}" for i in range(layers) for k, kv in kinds]
    present = [f"present.{i}.{k}.{kv}" for i in range(layers) for k, kv in kinds]
    if with_past:
        present = [p for p in present if ".decoder." in p]
    inputs = ["encoder_attention_mask", "input_ids", *(past if with_past else ["encoder_hidden_states"])]
    decoder_length = "past_decoder_sequence_length + decoder_sequence_length"
    axes = {
        "encoder_attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
        "input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
        "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
        "logits": {0: "batch_size", 1: "decoder_sequence_length"},
        **{n: {0: "batch_size", 2: "past_decoder_sequence_length"} for n in past if ".decoder." in n},
        **{n: {0: "batch_size", 2: "encoder_sequence_length_out"} for n in past if ".encoder." in n},
        **{n: {0: "batch_size", 2: decoder_length} for n in present if ".decoder." in n},
        **{n: {0: "batch_size", 2: "encoder_sequence_length_out"} for n in present if ".encoder." in n},
    }
    outputs = ["logits", *present]
    return inputs, outputs, {k: v for k, v in axes.items() if k in inputs or k in outputs}


def config_json(c, vocab_size, ids):
    return {
        "activation_dropout": 0.0,
        "activation_function": "gelu",
        "architectures": ["BartForConditionalGeneration"],
        "attention_dropout": 0.0,
        "bos_token_id": ids[BOS],
        "d_model": c["hidden"],
        "decoder_attention_heads": c["heads"],
        "decoder_ffn_dim": c["ffn"],
        "decoder_layers": c["decoder_layers"],
        "decoder_start_token_id": ids[EOS],
        "dropout": 0.0,
        "encoder_attention_heads": c["heads"],
        "encoder_ffn_dim": c["ffn"],
        "encoder_layers": c["encoder_layers"],
        "eos_token_id": ids[EOS],
        "forced_eos_token_id": ids[EOS],
        "init_std": 0.02,
        "is_encoder_decoder": True,
        "max_position_embeddings": c["positions"],
        "model_type": "bart",
        "num_hidden_layers": c["encoder_layers"],
        "pad_token_id": ids[PAD],
        "scale_embedding": False,
        "tie_word_embeddings": True,
        "use_cache": True,
        "vocab_size": vocab_size,
    }


def decoder_input(ids, start, eos):
    """What teacher forcing feeds the decoder for the target `ids`: the start token, then the
    target shifted right (its final end-of-sequence token is what the last position predicts)."""
    return [start, *(ids[:-1] if ids and ids[-1] == eos else ids)]


def build(name):
    c = CONFIG
    tokenizer = Tokenizer(ByteBPE.learn(SAMPLE, MAX_MERGES))
    vocab_size = len(tokenizer.tokens)
    model = Bart(c, vocab_size).eval()
    init_weights(model)
    head_dim = c["hidden"] // c["heads"]

    # Traced with lengths that differ (source 7, target 5, past 3), so that none is frozen.
    src_len, tgt_len, past_len = 7, 5, 3
    ids = torch.arange(10, 10 + src_len).unsqueeze(0)
    encoder_onnx = export_onnx(
        EncoderExport(model),
        (ids, torch.ones_like(ids)),
        ["input_ids", "attention_mask"],
        ["last_hidden_state"],
        {
            n: {0: "batch_size", 1: "encoder_sequence_length"}
            for n in ("input_ids", "attention_mask", "last_hidden_state")
        },
    )
    target = torch.arange(20, 20 + tgt_len).unsqueeze(0)
    hidden = torch.randn(1, src_len, c["hidden"])
    decoder_onnx = export_onnx(
        DecoderExport(model, with_past=False),
        (torch.ones_like(ids), target, hidden),
        *decoder_io(c["decoder_layers"], with_past=False),
    )
    past = []
    for _ in range(c["decoder_layers"]):
        past += [torch.randn(1, c["heads"], past_len, head_dim) for _ in range(2)]
        past += [torch.randn(1, c["heads"], src_len, head_dim) for _ in range(2)]
    with_past_onnx = export_onnx(
        DecoderExport(model, with_past=True),
        (torch.ones_like(ids), target, *past),
        *decoder_io(c["decoder_layers"], with_past=True),
    )

    examples, checks = [], []
    start, eos = tokenizer.ids[EOS], tokenizer.ids[EOS]
    for text, target_text in BART_EXAMPLES:
        encoder_tokens, encoder_ids = tokenizer.encode(text)
        decoder_ids = decoder_input(tokenizer.encode(target_text)[1], start, eos)
        encoder_taps, taps = [], {"decoder": [], "cross": []}
        with torch.no_grad():
            src = torch.tensor([encoder_ids])
            states = model.encode(src, torch.ones_like(src), encoder_taps)
            logits, _ = model.decode(torch.tensor([decoder_ids]), states, torch.ones_like(src), taps=taps)
        examples.append(
            {
                "text": text,
                "targetText": target_text,
                "encoderTokens": encoder_tokens,
                "encoderIds": encoder_ids,
                "decoderTokens": [tokenizer.tokens[i] for i in decoder_ids],
                "decoderIds": decoder_ids,
                "encoder": tapped_tensors(encoder_taps),
                "decoder": tapped_tensors(taps["decoder"]),
                "cross": tapped_tensors(taps["cross"]),
            }
        )
        checks.append(
            {
                "encoder": check_example(
                    {"input_ids": encoder_ids, "attention_mask": [1] * len(encoder_ids)}, states
                ),
                "decoder": check_example({"input_ids": decoder_ids}, logits),
            }
        )

    ids = tokenizer.ids
    reference = {
        "model": name,
        "vectorsScaled": True,
        "encoderLayers": c["encoder_layers"],
        "decoderLayers": c["decoder_layers"],
        "heads": c["heads"],
        "headDim": head_dim,
        "decoderStartTokenId": start,
        "examples": examples,
    }
    files = {
        "config.json": json_bytes(config_json(c, vocab_size, ids)),
        "generation_config.json": json_bytes(
            {
                "bos_token_id": ids[BOS],
                "decoder_start_token_id": start,
                "eos_token_id": eos,
                "forced_eos_token_id": eos,
                "pad_token_id": ids[PAD],
            }
        ),
        "tokenizer.json": json_bytes(tokenizer.tokenizer_json()),
        "tokenizer_config.json": json_bytes(tokenizer.tokenizer_config(c["positions"])),
        "onnx/encoder_model.onnx": encoder_onnx,
        "onnx/decoder_model_merged.onnx": merge_decoders(decoder_onnx, with_past_onnx),
        "reference.json": reference_bytes(reference),
    }
    check = {"seq2seq": True, "heads": c["heads"], "headDim": head_dim, "examples": checks}
    return Fixture(files, check)
