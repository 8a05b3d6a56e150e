"""tiny-neox: a GPT-NeoX (Pythia) decoder, for partial rotary positions and a per-head fused QKV.

- one `query_key_value` projection (with bias) whose output is viewed as [heads, 3 · head_dim]:
  each head's q, k and v lie side by side (NeoX's interleaving), not all q, then all k, then all v;
- partial rotary: only the first rotary_pct of each head's dimensions rotate (rotate-half over
  those 4 of 16), the rest pass through, and the two are concatenated again;
- LayerNorm, GELU (erf), a parallel residual (x + attention(ln1 x) + mlp(ln2 x)), an untied LM head;
- scores Mul 16^-½, Add the mask (causal and padding joined), Softmax, ·V; 2 heads with their own
  keys and values.

The tapped q and k are the whole head vectors after the partial rotation (as Q·Kᵀ reads them).
"""

import torch
from torch import nn

from bytebpe import ByteBPE
from common import gelu, init_weights
from gpt2 import decoder_examples, export_decoder
from llama import MIN_FLOAT, Rotary, rotary_fixture, rotate_half
from text import SAMPLE

CONFIG = {
    "layers": 2,
    "heads": 2,
    "hidden": 32,
    "intermediate": 128,
    "positions": 64,
    "eps": 1e-5,
    "rotary_pct": 0.25,
    "rotary_base": 10000.0,
}
MAX_MERGES = 128


def head_dim(c):
    return c["hidden"] // c["heads"]


def rotary_dim(c):
    return int(head_dim(c) * c["rotary_pct"])


def rotate_part(x, cos, sin):
    """The first cos.shape[-1] dimensions rotated (rotate-half), the others as they are."""
    d = cos.shape[-1]
    rot, rest = x[..., :d], x[..., d:]
    return torch.cat((rot * cos + rotate_half(rot) * sin, rest), dim=-1)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads, self.head_dim = c["heads"], head_dim(c)
        self.query_key_value = nn.Linear(c["hidden"], 3 * c["hidden"])
        self.dense = nn.Linear(c["hidden"], c["hidden"])

    def forward(self, x, cos, sin, past_key, past_value, mask, taps):
        b, s, _ = x.shape
        qkv = self.query_key_value(x).view(b, s, self.heads, 3 * self.head_dim).permute(0, 2, 1, 3)
        d = self.head_dim
        q, k, v = qkv[..., :d], qkv[..., d : 2 * d], qkv[..., 2 * d :]
        q, k = rotate_part(q, cos, sin), rotate_part(k, cos, sin)
        k = torch.cat([past_key, k], dim=-2)
        v = torch.cat([past_value, v], dim=-2)
        scores = torch.matmul(q, k.transpose(2, 3)) * d**-0.5
        probs = torch.softmax(scores + mask, dim=-1)
        if taps is not None:
            taps.append({"attention": probs, "queries": q, "keys": k, "values": v})
        context = torch.matmul(probs, v).transpose(1, 2).reshape(b, s, -1)
        return self.dense(context), k, v


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_layernorm = nn.LayerNorm(c["hidden"], eps=c["eps"])
        self.post_attention_layernorm = nn.LayerNorm(c["hidden"], eps=c["eps"])
        self.attention = Attention(c)
        self.dense_h_to_4h = nn.Linear(c["hidden"], c["intermediate"])
        self.dense_4h_to_h = nn.Linear(c["intermediate"], c["hidden"])

    def forward(self, x, cos, sin, past_key, past_value, mask, taps):
        a, key, value = self.attention(self.input_layernorm(x), cos, sin, past_key, past_value, mask, taps)
        m = self.dense_4h_to_h(gelu(self.dense_h_to_4h(self.post_attention_layernorm(x))))
        return x + a + m, key, value


class NeoX(nn.Module):
    def __init__(self, c, vocab_size):
        super().__init__()
        self.embed_in = nn.Embedding(vocab_size, c["hidden"])
        self.rotary = Rotary(rotary_dim(c), c["rotary_base"])
        self.layers = nn.ModuleList(Layer(c) for _ in range(c["layers"]))
        self.final_layer_norm = nn.LayerNorm(c["hidden"], eps=c["eps"])
        self.embed_out = nn.Linear(c["hidden"], vocab_size, bias=False)
        causal = torch.tril(torch.ones(c["positions"], c["positions"], dtype=torch.bool))
        self.register_buffer("causal", causal.view(1, 1, c["positions"], c["positions"]), persistent=False)
        self.register_buffer("mask_values", torch.tensor([0.0, MIN_FLOAT]), persistent=False)

    def forward(self, input_ids, attention_mask, position_ids, past, taps=None):
        x = self.embed_in(input_ids)
        cos, sin = self.rotary(position_ids)
        q_len, k_len = input_ids.shape[1], attention_mask.shape[-1]
        allowed = self.causal[:, :, k_len - q_len : k_len, :k_len] & attention_mask[:, None, None, :].to(torch.bool)
        mask = torch.where(allowed, self.mask_values[0], self.mask_values[1])
        presents = []
        for layer, (past_key, past_value) in zip(self.layers, past):
            x, key, value = layer(x, cos, sin, past_key, past_value, mask, taps)
            presents += [key, value]
        return self.embed_out(self.final_layer_norm(x)), presents


def past_shape(c, length):
    return (1, c["heads"], length, head_dim(c))


def config_json(c, vocab_size, eos):
    return {
        "architectures": ["GPTNeoXForCausalLM"],
        "attention_dropout": 0.0,
        "bos_token_id": eos,
        "eos_token_id": eos,
        "hidden_act": "gelu",
        "hidden_size": c["hidden"],
        "intermediate_size": c["intermediate"],
        "layer_norm_eps": c["eps"],
        "max_position_embeddings": c["positions"],
        "model_type": "gpt_neox",
        "num_attention_heads": c["heads"],
        "num_hidden_layers": c["layers"],
        "rotary_emb_base": c["rotary_base"],
        "rotary_pct": c["rotary_pct"],
        "tie_word_embeddings": False,
        "use_cache": True,
        "use_parallel_residual": True,
        "vocab_size": vocab_size,
    }


def build(name):
    c = CONFIG
    tokenizer = ByteBPE.learn(SAMPLE, MAX_MERGES)
    vocab_size = len(tokenizer.tokens)
    model = NeoX(c, vocab_size).eval()
    init_weights(model)
    onnx_bytes = export_decoder(model, c["layers"], lambda length: past_shape(c, length))
    examples, checks = decoder_examples(model, tokenizer, c["layers"], past_shape(c, 0), exact=True)
    config = config_json(c, vocab_size, tokenizer.eos_id)
    return rotary_fixture(name, tokenizer, config, onnx_bytes, (examples, checks), c, head_dim(c))
