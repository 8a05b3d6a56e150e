"""tiny-llama, tiny-qwen2, tiny-gemma and tiny-phi3: Llama / Mistral / SmolLM, Qwen2, Gemma and
Phi-3-style decoders with rotary positions and a KV cache.

What sets the family apart from GPT-2, each in the graph as Hugging Face's Llama exports it:

- RMSNorm (no mean, no bias) before attention, before the MLP and at the end;
- rotary positions, rotate-half form: q and k times cos, plus rotate_half(q or k) times sin, with
  cos and sin computed in the graph from position_ids (inverse frequencies theta^(-2i/d));
- grouped-query attention: 4 query heads and 2 key/value heads; the cache holds the 2 key/value
  heads, and `repeat_kv` (Unsqueeze, Expand, Reshape) gives each query head its key/value head
  (query head h reads key/value head h // 2) before Q·Kᵀ and P·V;
- head_dim (8) from the config, not hidden / heads (16 / 4 = 4): q_proj is 16 → 32, o_proj 32 → 16;
- scores Mul 8^-½, Add the mask (causal and padding joined, float32 min), softmax in float32 and
  cast back to the activations' type (Cast nodes on both sides of the Softmax);
- a SiLU-gated MLP (gate, up, down), no biases anywhere, an untied LM head.

tiny-qwen2 is the same structure as Qwen2 has it: biases on q_proj, k_proj and v_proj (none on
o_proj or the MLP), rope_theta 1,000,000, and no head_dim in the config (hidden 32 / 4 heads = 8).

tiny-gemma is Gemma's: multi-query attention (4 query heads, 1 key/value head), head_dim 8 from
the config where hidden / heads is 4, the token embeddings scaled by √hidden (a Mul by the
constant 4 in the graph), RMSNorm by (1 + weight), a GELU-tanh-gated MLP, and the LM head tied to
the token embedding.

tiny-phi3 is Phi-3-mini's: one fused qkv_proj whose output is sliced into q, k and v, a fused
gate_up_proj halved into gate and up, and as many key/value heads as query heads (4), so that
repeat_kv is the identity (HF's returns its input) and each head has its own keys and values.

The tapped q and k are taken after rotation (as Q·Kᵀ reads them), and k and v per query head
(after repeat_kv): the heads of a group hold identical keys and values.
"""

import torch
from torch import nn

from bytebpe import ByteBPE
from common import Fixture, gelu_tanh, init_weights, json_bytes, reference_json
from gpt2 import decoder_examples, export_decoder
from lowbit import lowbit_files
from text import SAMPLE

LLAMA = {
    "model_type": "llama",
    "layers": 2,
    "heads": 4,
    "kv_heads": 2,
    "head_dim": 8,
    "hidden": 16,
    "intermediate": 32,
    "positions": 64,
    "eps": 1e-5,
    "rope_theta": 10000.0,
    "qkv_bias": False,
    "tied": False,
}
# head_dim 8 is hidden / heads here, and the config does not say it (as Qwen2's).
QWEN2 = {
    **LLAMA,
    "model_type": "qwen2",
    "head_dim": None,
    "hidden": 32,
    "intermediate": 64,
    "eps": 1e-6,
    "rope_theta": 1000000.0,
    "qkv_bias": True,
    "tied": False,
}
PHI3 = {
    **LLAMA,
    "model_type": "phi3",
    "kv_heads": 4,
    "head_dim": None,
    "fused": True,
}
GEMMA = {
    **LLAMA,
    "model_type": "gemma",
    "kv_heads": 1,
    "eps": 1e-6,
    "tied": True,
    "gemma": True,
}
MAX_MERGES = 128
MIN_FLOAT = torch.finfo(torch.float32).min


def head_dim(c):
    return c["head_dim"] or c["hidden"] // c["heads"]


class RMSNorm(nn.Module):
    """x / rms(x) times the weight (Llama), or times 1 + the weight (`offset`, Gemma)."""

    def __init__(self, size, eps, offset=False):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(size))
        self.eps = eps
        self.offset = offset

    def forward(self, x):
        variance = x.pow(2).mean(-1, keepdim=True)
        scale = 1.0 + self.weight if self.offset else self.weight
        return scale * (x * torch.rsqrt(variance + self.eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Rotary(nn.Module):
    """cos and sin [batch, 1, seq, dim] for the given positions, as Llama's rotary embedding
    (inverse frequencies theta^(-2i/dim)); dim is the head size, or the part of it that rotates."""

    def __init__(self, d, theta):
        super().__init__()
        inv_freq = 1.0 / (theta ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, position_ids):
        freqs = position_ids[:, :, None].float() * self.inv_freq[None, None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos()[:, None], emb.sin()[:, None]


def repeat_kv(x, n_rep):
    """[b, kv_heads, s, d] → [b, kv_heads · n_rep, s, d], each key/value head repeated n_rep times
    in place (heads h·n_rep … h·n_rep + n_rep − 1 read key/value head h), as HF's repeat_kv."""
    if n_rep == 1:
        return x
    b, kv, s, d = x.shape
    return x[:, :, None, :, :].expand(b, kv, n_rep, s, d).reshape(b, kv * n_rep, s, d)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = c["heads"], c["kv_heads"], head_dim(c)
        bias = c["qkv_bias"]
        q_size, kv_size = self.heads * self.head_dim, self.kv_heads * self.head_dim
        self.sizes = (q_size, kv_size, kv_size)
        if c.get("fused", False):
            self.qkv_proj = nn.Linear(c["hidden"], q_size + 2 * kv_size, bias=bias)
        else:
            self.q_proj = nn.Linear(c["hidden"], q_size, bias=bias)
            self.k_proj = nn.Linear(c["hidden"], kv_size, bias=bias)
            self.v_proj = nn.Linear(c["hidden"], kv_size, bias=bias)
        self.o_proj = nn.Linear(self.heads * self.head_dim, c["hidden"], bias=False)

    def split(self, x, heads):
        b, s, _ = x.shape
        return x.view(b, s, heads, self.head_dim).transpose(1, 2)

    def forward(self, x, cos, sin, past_key, past_value, mask, taps):
        if hasattr(self, "qkv_proj"):
            qkv = self.qkv_proj(x)
            q_size, kv_size, _ = self.sizes
            q, k, v = qkv[..., :q_size], qkv[..., q_size : q_size + kv_size], qkv[..., q_size + kv_size :]
        else:
            q, k, v = self.q_proj(x), self.k_proj(x), self.v_proj(x)
        q, k, v = self.split(q, self.heads), self.split(k, self.kv_heads), self.split(v, self.kv_heads)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = torch.cat([past_key, k], dim=-2)
        v = torch.cat([past_value, v], dim=-2)
        n_rep = self.heads // self.kv_heads
        keys, values = repeat_kv(k, n_rep), repeat_kv(v, n_rep)
        scores = torch.matmul(q, keys.transpose(2, 3)) * self.head_dim**-0.5
        probs = torch.softmax(scores + mask, dim=-1, dtype=torch.float32).to(q.dtype)
        if taps is not None:
            taps.append({"attention": probs, "queries": q, "keys": keys, "values": values})
        context = torch.matmul(probs, values).transpose(1, 2).reshape(x.shape[0], x.shape[1], -1)
        return self.o_proj(context), k, v


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        gemma = c.get("gemma", False)
        self.input_layernorm = RMSNorm(c["hidden"], c["eps"], offset=gemma)
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(c["hidden"], c["eps"], offset=gemma)
        self.act = gelu_tanh if gemma else nn.functional.silu
        if c.get("fused", False):
            self.gate_up_proj = nn.Linear(c["hidden"], 2 * c["intermediate"], bias=False)
        else:
            self.gate_proj = nn.Linear(c["hidden"], c["intermediate"], bias=False)
            self.up_proj = nn.Linear(c["hidden"], c["intermediate"], bias=False)
        self.down_proj = nn.Linear(c["intermediate"], c["hidden"], bias=False)

    def forward(self, x, cos, sin, past_key, past_value, mask, taps):
        a, key, value = self.self_attn(self.input_layernorm(x), cos, sin, past_key, past_value, mask, taps)
        x = x + a
        h = self.post_attention_layernorm(x)
        if hasattr(self, "gate_up_proj"):
            gate, up = self.gate_up_proj(h).chunk(2, dim=-1)
        else:
            gate, up = self.gate_proj(h), self.up_proj(h)
        x = x + self.down_proj(self.act(gate) * up)
        return x, key, value


class Llama(nn.Module):
    """Returns logits and each layer's present key and value (key/value heads, not query heads)."""

    def __init__(self, c, vocab_size):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab_size, c["hidden"])
        self.rotary = Rotary(head_dim(c), c["rope_theta"])
        self.layers = nn.ModuleList(Block(c) for _ in range(c["layers"]))
        self.norm = RMSNorm(c["hidden"], c["eps"], offset=c.get("gemma", False))
        # Gemma scales the token embeddings by √hidden, in the activations' type.
        self.embed_scale = c["hidden"] ** 0.5 if c.get("gemma", False) else None
        self.lm_head = None if c["tied"] else nn.Linear(c["hidden"], vocab_size, bias=False)
        causal = torch.tril(torch.ones(c["positions"], c["positions"], dtype=torch.bool))
        self.register_buffer("causal", causal.view(1, 1, c["positions"], c["positions"]), persistent=False)
        self.register_buffer("mask_values", torch.tensor([0.0, MIN_FLOAT]), persistent=False)

    def mask(self, attention_mask, q_len):
        """Causal and padding joined, [batch, 1, q, past + q]: 0 where allowed, float32 min elsewhere."""
        k_len = attention_mask.shape[-1]
        allowed = self.causal[:, :, k_len - q_len : k_len, :k_len] & attention_mask[:, None, None, :].to(torch.bool)
        return torch.where(allowed, self.mask_values[0], self.mask_values[1])

    def forward(self, input_ids, attention_mask, position_ids, past, taps=None):
        x = self.embed_tokens(input_ids)
        if self.embed_scale is not None:
            x = x * self.embed_scale
        cos, sin = self.rotary(position_ids)
        mask = self.mask(attention_mask, input_ids.shape[1])
        presents = []
        for block, (past_key, past_value) in zip(self.layers, past):
            x, key, value = block(x, cos, sin, past_key, past_value, mask, taps)
            presents += [key, value]
        x = self.norm(x)
        logits = torch.matmul(x, self.embed_tokens.weight.t()) if self.lm_head is None else self.lm_head(x)
        return logits, presents


def init_llama(model):
    init_weights(model)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, RMSNorm):
                module.weight.normal_(0.0 if module.offset else 1.0, 0.1)


def past_shape(c, length):
    return (1, c["kv_heads"], length, head_dim(c))


def config_json(c, vocab_size, eos):
    architectures = {
        "llama": "LlamaForCausalLM",
        "qwen2": "Qwen2ForCausalLM",
        "gemma": "GemmaForCausalLM",
        "phi3": "Phi3ForCausalLM",
    }
    config = {
        "architectures": [architectures[c["model_type"]]],
        "attention_dropout": 0.0,
        "bos_token_id": eos,
        "eos_token_id": eos,
        "hidden_act": "gelu_pytorch_tanh" if c.get("gemma", False) else "silu",
        "hidden_size": c["hidden"],
        "intermediate_size": c["intermediate"],
        "max_position_embeddings": c["positions"],
        "model_type": c["model_type"],
        "num_attention_heads": c["heads"],
        "num_hidden_layers": c["layers"],
        "num_key_value_heads": c["kv_heads"],
        "rms_norm_eps": c["eps"],
        "rope_theta": c["rope_theta"],
        "tie_word_embeddings": c["tied"],
        "use_cache": True,
        "vocab_size": vocab_size,
    }
    if c["model_type"] == "llama":
        config["attention_bias"] = c["qkv_bias"]
    if c["head_dim"] is not None:
        config["head_dim"] = c["head_dim"]
    if c.get("gemma", False):
        config["hidden_activation"] = "gelu_pytorch_tanh"
    return dict(sorted(config.items()))


def build(name, c, lowbit=False):
    tokenizer = ByteBPE.learn(SAMPLE, MAX_MERGES)
    vocab_size = len(tokenizer.tokens)
    model = Llama(c, vocab_size).eval()
    init_llama(model)
    onnx_bytes = export_decoder(model, c["layers"], lambda length: past_shape(c, length))
    examples, checks = decoder_examples(model, tokenizer, c["layers"], past_shape(c, 0), exact=True)

    # Every head its own: no kvHeads, as computeAttention leaves it out.
    shared = c["kv_heads"] < c["heads"]
    kv_heads = [h // (c["heads"] // c["kv_heads"]) for h in range(c["heads"])] if shared else None
    fixture = rotary_fixture(
        name,
        tokenizer,
        config_json(c, vocab_size, tokenizer.eos_id),
        onnx_bytes,
        (examples, checks),
        c,
        head_dim(c),
        kv_heads,
    )
    if lowbit:
        # The fp16 file (and so q4f16's) keeps each Softmax in float32, as generate.py's own.
        extra = lowbit_files(name, model, tokenizer, c, onnx_bytes, kv_heads, head_dim(c), {"Softmax"})
        fixture.files.update(extra)
    return fixture


def rotary_fixture(name, tokenizer, config, onnx_bytes, results, c, dim, kv_heads=None):
    """A rotary decoder's folder (config, tokenizer, model.onnx, reference.json) and check data;
    `results` are decoder_examples' (examples, checks)."""
    examples, checks = results
    eos = tokenizer.eos_id
    files = {
        "config.json": json_bytes(config),
        "generation_config.json": json_bytes({"bos_token_id": eos, "eos_token_id": eos}),
        "tokenizer.json": json_bytes(tokenizer.tokenizer_json()),
        "tokenizer_config.json": json_bytes(tokenizer.tokenizer_config(c["positions"])),
        "onnx/model.onnx": onnx_bytes,
        "reference.json": reference_json(
            name,
            examples,
            causal=True,
            vectors_scaled=False,
            layers=c["layers"],
            heads=c["heads"],
            head_dim=dim,
            kv_heads=kv_heads,
        ),
    }
    past_heads = c.get("kv_heads", c["heads"])
    return Fixture(files, {"output": "logits", "heads": past_heads, "headDim": dim, "examples": checks})


def build_llama(name):
    return build(name, LLAMA, lowbit=True)


def build_qwen2(name):
    return build(name, QWEN2)


def build_phi3(name):
    return build(name, PHI3)


def build_gemma(name):
    return build(name, GEMMA)
