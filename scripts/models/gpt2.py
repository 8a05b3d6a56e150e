"""tiny-gpt2 and tiny-gpt2-sdpa: a GPT-2 decoder with a KV cache, in one of two attention styles.

- classic (GPT-2's eager attention): Q·Kᵀ, Div √d, Where(causal, ·, min), Add padding mask,
  Softmax, ·V. The tapped q and k are the heads' own vectors.
- sdpa (what torch's scaled_dot_product_attention exports to): q and Kᵀ each Mul d^-¼, Q·Kᵀ,
  Add one mask that joins causal and padding (built once per model), Softmax, ·V. The tapped q
  and k carry the d^-¼, so q·k is the score itself.

The ONNX graph has the inputs and outputs of an Optimum / Xenova `use_cache` export: input_ids,
attention_mask, position_ids, past_key_values.{i}.key/value → logits, present.{i}.key/value.
"""

import copy
import json
import math

import torch
from torch import nn

from bytebpe import ByteBPE
from common import (
    Fixture,
    check_example,
    export_onnx,
    gelu_tanh,
    init_weights,
    json_bytes,
    reference_json,
    tapped_tensors,
    tensor_json,
)
from merge import merge_decoders
from text import GPT2_EXAMPLES, SAMPLE

CONFIG = {"layers": 2, "heads": 2, "hidden": 16, "positions": 64, "eps": 1e-5}
# Merges learned from the sample at most; it runs out of pairs seen twice before this.
MAX_MERGES = 128
MIN_FLOAT = torch.finfo(torch.float32).min


def lower_triangle(n):
    """[1, 1, n, n] bool, true where a query (row) may see a key (column)."""
    return torch.tril(torch.ones(n, n, dtype=torch.bool)).view(1, 1, n, n)


class Conv1D(nn.Module):
    """GPT-2's projection: weight stored [in, out], y = x·W + b (MatMul and Add in ONNX)."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_in, n_out))
        self.bias = nn.Parameter(torch.empty(n_out))

    def forward(self, x):
        return torch.matmul(x, self.weight) + self.bias


class Attention(nn.Module):
    def __init__(self, c, style):
        super().__init__()
        self.style = style
        self.heads = c["heads"]
        self.head_dim = c["hidden"] // c["heads"]
        self.c_attn = Conv1D(c["hidden"], 3 * c["hidden"])
        self.c_proj = Conv1D(c["hidden"], c["hidden"])
        self.register_buffer("bias", lower_triangle(c["positions"]), persistent=False)
        self.register_buffer("masked_value", torch.tensor(MIN_FLOAT), persistent=False)

    def split_heads(self, x):
        b, s, _ = x.shape
        return x.view(b, s, self.heads, self.head_dim).permute(0, 2, 1, 3)

    def forward(self, x, past_key, past_value, mask, taps):
        q, k, v = self.c_attn(x).split(x.shape[-1], dim=2)
        q = self.split_heads(q)
        if past_key is None:  # a graph without cache inputs (a merged decoder's no-past branch)
            k, v = self.split_heads(k), self.split_heads(v)
        else:
            k = torch.cat([past_key, self.split_heads(k)], dim=-2)
            v = torch.cat([past_value, self.split_heads(v)], dim=-2)
        if self.style == "classic":
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
            q_len, k_len = q.shape[-2], k.shape[-2]
            causal = self.bias[:, :, k_len - q_len : k_len, :k_len]
            scores = torch.where(causal, scores, self.masked_value)
            tapped_q, tapped_k = q, k
        else:
            scale = self.head_dim**-0.25
            tapped_q, key_t = q * scale, k.transpose(-1, -2) * scale
            scores = torch.matmul(tapped_q, key_t)
            tapped_k = key_t.transpose(-1, -2)
        probs = torch.softmax(scores + mask, dim=-1)
        if taps is not None:
            taps.append({"attention": probs, "queries": tapped_q, "keys": tapped_k, "values": v})
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).reshape(x.shape)
        return self.c_proj(context), k, v


class Block(nn.Module):
    def __init__(self, c, style):
        super().__init__()
        self.ln_1 = nn.LayerNorm(c["hidden"], eps=c["eps"])
        self.attn = Attention(c, style)
        self.ln_2 = nn.LayerNorm(c["hidden"], eps=c["eps"])
        self.c_fc = Conv1D(c["hidden"], 4 * c["hidden"])
        self.c_proj = Conv1D(4 * c["hidden"], c["hidden"])

    def forward(self, x, past_key, past_value, mask, taps):
        a, key, value = self.attn(self.ln_1(x), past_key, past_value, mask, taps)
        x = x + a
        x = x + self.c_proj(gelu_tanh(self.c_fc(self.ln_2(x))))
        return x, key, value


class Gpt2(nn.Module):
    """Returns logits and each layer's present key and value; the LM head is the token embedding."""

    def __init__(self, c, vocab_size, style):
        super().__init__()
        self.style = style
        self.wte = nn.Embedding(vocab_size, c["hidden"])
        self.wpe = nn.Embedding(c["positions"], c["hidden"])
        self.h = nn.ModuleList(Block(c, style) for _ in range(c["layers"]))
        self.ln_f = nn.LayerNorm(c["hidden"], eps=c["eps"])
        self.register_buffer("causal", lower_triangle(c["positions"]), persistent=False)
        self.register_buffer("mask_values", torch.tensor([0.0, MIN_FLOAT]), persistent=False)

    def mask(self, attention_mask, q_len):
        """The additive mask each attention adds to its scores, [batch, 1, q or 1, past + q]."""
        padding = attention_mask[:, None, None, :]
        if self.style == "classic":
            # GPT-2's eager form: the causal part is each attention's own Where.
            return (1.0 - padding.to(torch.float32)) * MIN_FLOAT
        k_len = attention_mask.shape[-1]
        allowed = self.causal[:, :, k_len - q_len : k_len, :k_len] & padding.to(torch.bool)
        return torch.where(allowed, self.mask_values[0], self.mask_values[1])

    def forward(self, input_ids, attention_mask, position_ids, past, taps=None):
        """`position_ids` None: counted on from the past's length, as GPT-2 does without them;
        `past` None: no cache inputs at all."""
        if past is None:
            past = [(None, None)] * len(self.h)
        if position_ids is None:
            start = 0 if past[0][0] is None else past[0][0].shape[-2]
            position_ids = torch.arange(start, start + input_ids.shape[1]).unsqueeze(0)
        x = self.wte(input_ids) + self.wpe(position_ids)
        mask = self.mask(attention_mask, input_ids.shape[1])
        presents = []
        for block, (past_key, past_value) in zip(self.h, past):
            x, key, value = block(x, past_key, past_value, mask, taps)
            presents += [key, value]
        logits = torch.matmul(self.ln_f(x), self.wte.weight.t())
        return logits, presents


class OnnxDecoder(nn.Module):
    """Gpt2 with flat arguments and results, in the order of the ONNX inputs and outputs."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids, *past):
        pairs = list(zip(past[0::2], past[1::2]))
        logits, presents = self.model(input_ids, attention_mask, position_ids, pairs)
        return (logits, *presents)


def io_names(layers):
    past = [f"past_key_values.{i}.{kv}" for i in range(layers) for kv in ("key", "value")]
    present = [f"present.{i}.{kv}" for i in range(layers) for kv in ("key", "value")]
    inputs = ["input_ids", "attention_mask", "position_ids", *past]
    axes = {
        "input_ids": {0: "batch_size", 1: "sequence_length"},
        "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"},
        "position_ids": {0: "batch_size", 1: "sequence_length"},
        "logits": {0: "batch_size", 1: "sequence_length"},
        **{n: {0: "batch_size", 2: "past_sequence_length"} for n in past},
        **{n: {0: "batch_size", 2: "past_sequence_length + sequence_length"} for n in present},
    }
    return inputs, ["logits", *present], axes


def past_shape(c, length):
    return (1, c["heads"], length, c["hidden"] // c["heads"])


def empty_past(c):
    """Every layer's (key, value) cache holding no positions, as fed for a whole text."""
    return [(torch.zeros(past_shape(c, 0)), torch.zeros(past_shape(c, 0))) for _ in range(c["layers"])]


def config_json(c, vocab_size, eos):
    return {
        "activation_function": "gelu_new",
        "architectures": ["GPT2LMHeadModel"],
        "attn_pdrop": 0.0,
        "bos_token_id": eos,
        "embd_pdrop": 0.0,
        "eos_token_id": eos,
        "layer_norm_epsilon": c["eps"],
        "model_type": "gpt2",
        "n_ctx": c["positions"],
        "n_embd": c["hidden"],
        "n_head": c["heads"],
        "n_inner": None,
        "n_layer": c["layers"],
        "n_positions": c["positions"],
        "resid_pdrop": 0.0,
        "scale_attn_weights": True,
        "tie_word_embeddings": True,
        "use_cache": True,
        "vocab_size": vocab_size,
    }


def export_decoder(model, layers, past_shape):
    """A decoder with a cache (`model(input_ids, attention_mask, position_ids, [(key, value)])`)
    exported with the inputs and outputs of io_names; `past_shape(length)` is a cache entry's."""
    # Traced with a non-empty past and a longer input, so that no length is frozen into the graph.
    past_len, seq_len = 3, 5
    args = (
        torch.arange(10, 10 + seq_len).unsqueeze(0),
        torch.ones(1, past_len + seq_len, dtype=torch.int64),
        torch.arange(past_len, past_len + seq_len).unsqueeze(0),
        *(torch.randn(past_shape(past_len)) for _ in range(2 * layers)),
    )
    input_names, output_names, axes = io_names(layers)
    return export_onnx(OnnxDecoder(model), args, input_names, output_names, axes)


def decoder_examples(model, tokenizer, layers, empty_shape, exact=False):
    """reference.json's examples (GPT2_EXAMPLES, each with its taps) and verify.mjs's checks, the
    text run whole with an empty cache of `empty_shape`. `exact`: computed in float64 and rounded
    to float32, so that the references hold the exact values rather than one float32 run's (whose
    error, like onnxruntime's own, reaches ~5e-6 by the second layer of the rotary decoders)."""
    if exact:
        model = copy.deepcopy(model).double()
    dtype = torch.float64 if exact else torch.float32
    examples, checks = [], []
    for text in GPT2_EXAMPLES:
        tokens, ids = tokenizer.encode(text)
        inputs = {"input_ids": ids, "attention_mask": [1] * len(ids), "position_ids": list(range(len(ids)))}
        empty = [(torch.zeros(empty_shape, dtype=dtype), torch.zeros(empty_shape, dtype=dtype)) for _ in range(layers)]
        taps = []
        with torch.no_grad():
            logits, _ = model(*(torch.tensor([inputs[n]]) for n in inputs), empty, taps)
        logits = logits.float()
        taps = [{k: t.float() for k, t in tap.items()} for tap in taps]
        examples.append({"text": text, "tokens": tokens, "ids": ids, **tapped_tensors(taps)})
        checks.append(check_example(inputs, logits))
    # The first text's greedy continuation, for computeAttention's `generate`.
    examples[0]["generated"] = greedy_continuation(model, tokenizer, ids, layers, empty_shape, dtype)
    return examples, checks


GENERATE_TOKENS = 6


def greedy_continuation(model, tokenizer, ids, layers, empty_shape, dtype):
    """`GENERATE_TOKENS` new tokens, each the argmax of the last row of the logits of a whole
    forward pass over the text so far (as `generate(do_sample=False)` picks them; it stops after
    the end-of-text token), and the attention over the prompt and the continuation."""
    ids = list(ids)
    start = len(ids)
    for step in range(GENERATE_TOKENS + 1):
        n = len(ids)
        feeds = (torch.tensor([ids]), torch.ones(1, n, dtype=torch.long), torch.arange(n).unsqueeze(0))
        empty = [(torch.zeros(empty_shape, dtype=dtype), torch.zeros(empty_shape, dtype=dtype)) for _ in range(layers)]
        taps = []
        with torch.no_grad():
            logits, _ = model(*feeds, empty, taps)
        if step == GENERATE_TOKENS or ids[-1] == tokenizer.eos_id and n > start:
            break
        ids.append(int(torch.argmax(logits[0, -1]).item()))
    attention = tapped_tensors([{k: t.float() for k, t in tap.items()} for tap in taps])["attention"]
    return {
        "maxNewTokens": GENERATE_TOKENS,
        "ids": ids[start:],
        "tokens": [tokenizer.tokens[i] for i in ids[start:]],
        "attention": attention,
    }


def build(name, style):
    c = CONFIG
    tokenizer = ByteBPE.learn(SAMPLE, MAX_MERGES)
    vocab_size = len(tokenizer.tokens)
    model = Gpt2(c, vocab_size, style).eval()
    init_weights(model)
    onnx_bytes = export_decoder(model, c["layers"], lambda length: past_shape(c, length))
    examples, checks = decoder_examples(model, tokenizer, c["layers"], past_shape(c, 0))

    eos = tokenizer.eos_id
    head_dim = c["hidden"] // c["heads"]
    files = {
        "config.json": json_bytes(config_json(c, vocab_size, eos)),
        "generation_config.json": json_bytes({"bos_token_id": eos, "eos_token_id": eos}),
        "tokenizer.json": json_bytes(tokenizer.tokenizer_json()),
        "tokenizer_config.json": json_bytes(tokenizer.tokenizer_config(c["positions"])),
        "onnx/model.onnx": onnx_bytes,
        "reference.json": reference_json(
            name,
            examples,
            causal=True,
            vectors_scaled=style == "sdpa",
            layers=c["layers"],
            heads=c["heads"],
            head_dim=head_dim,
        ),
    }
    return Fixture(files, {"output": "logits", "heads": c["heads"], "headDim": head_dim, "examples": checks})


def build_classic(name):
    return build(name, "classic")


def build_sdpa(name):
    return build(name, "sdpa")


class MergedParts(nn.Module):
    """Gpt2 as Optimum exports it for merging: without position_ids (counted from the past's
    length in the graph), and with past inputs or with none at all."""

    def __init__(self, model, with_past):
        super().__init__()
        self.model = model
        self.with_past = with_past

    def forward(self, input_ids, attention_mask, *past):
        pairs = list(zip(past[0::2], past[1::2])) if self.with_past else None
        logits, presents = self.model(input_ids, attention_mask, None, pairs)
        return (logits, *presents)


def build_merged(name):
    """tiny-gpt2-merged: tiny-gpt2's model (build it with tiny-gpt2's seed) as a v2-era Hub repo
    ships it, `onnx/decoder_model_merged.onnx` only: the exports without and with a past merged
    into one `If(use_cache_branch)` (merge.py). Its reference is tiny-gpt2's."""
    c = CONFIG
    seeded = torch.get_rng_state()
    fixture = build(name, "classic")
    # The same draws again give the same weights (build draws them first).
    torch.set_rng_state(seeded)
    vocab_size = json.loads(fixture.files["config.json"])["vocab_size"]
    model = Gpt2(c, vocab_size, "classic").eval()
    init_weights(model)

    input_names, output_names, axes = io_names(c["layers"])
    input_names.remove("position_ids")
    del axes["position_ids"]
    axes["attention_mask"] = {0: "batch_size", 1: "attention_mask_sequence_length"}
    past_len, seq_len = 3, 5
    ids = torch.arange(10, 10 + seq_len).unsqueeze(0)
    no_past = export_onnx(
        MergedParts(model, with_past=False),
        (ids, torch.ones(1, seq_len, dtype=torch.int64)),
        input_names[:2],
        output_names,
        {n: a for n, a in axes.items() if not n.startswith("past_")},
    )
    with_past = export_onnx(
        MergedParts(model, with_past=True),
        (
            ids,
            torch.ones(1, past_len + seq_len, dtype=torch.int64),
            *(torch.randn(past_shape(c, past_len)) for _ in range(2 * c["layers"])),
        ),
        input_names,
        output_names,
        axes,
    )

    files = {k: v for k, v in fixture.files.items() if not k.startswith("onnx/")}
    files["onnx/decoder_model_merged.onnx"] = merge_decoders(no_past, with_past)
    check = dict(fixture.check, file="onnx/decoder_model_merged.onnx")
    check["examples"] = [
        {**e, "feeds": {k: v for k, v in e["feeds"].items() if k != "position_ids"}}
        for e in check["examples"]
    ]
    first = check["examples"][0]
    with torch.no_grad():
        logits, _ = model(*(torch.tensor([v]) for v in first["feeds"].values()), None, None)
    assert tensor_json(logits.flatten()) == first["expected"], "the merged export has other weights"
    return Fixture(files, check)
