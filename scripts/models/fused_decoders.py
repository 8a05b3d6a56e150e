"""tiny-fused-mha and tiny-fused-gqa: decoders whose attention is ONNX Runtime's fused
`com.microsoft` MultiHeadAttention or GroupQueryAttention, written with the onnx helper.

Not full models: token embeddings, then per layer one fused attention node (its projections as
MatMuls before it) whose output, projected back, is added to the residual stream, then an LM head.
No norms and no MLP: what is under test is the attention. `Reference` (the unfused twin) computes
the same from the same weights in PyTorch, float64 rounded to float32 as the rotary fixtures do;
verify.mjs checks onnxruntime's logits of the fused graph against it, and the adapter's tests
check the unfused graph's attention against its taps.

tiny-fused-mha (GPT-2's sizes: 2 heads of 8, hidden 16, causal):
- layer 0: q, k and v from three MatMuls, their biases given to the node (`bias`), the past key
  and value (`past_key_values.0.*` `[b, 2, past, 8]`, returned as `present.0.*`),
  `key_padding_mask` the int32 attention mask `[b, past + s]`, `unidirectional` 1;
- layer 1: q, k and v from three MatMuls, no bias and no mask, its past, `scale` 0.3,
  `unidirectional` 1. (Packed QKV `[b, s, heads, 3, d]` is not used: onnxruntime's CPU kernel
  does not implement it, and the adapter refuses it.)

tiny-fused-gqa (4 query heads and 2 key/value heads of 32, hidden 32, causal; the cache holds the
key/value heads `[b, 2, past, 16]`; `seqlens_k` and `total_sequence_length` from the attention
mask, as onnxruntime-genai's exports compute them):
- layer 0: packed QKV (one MatMul to (4 + 2 + 2)·16), `do_rotary` rotate-half over all 16
  dimensions (cos/sin caches `[64, 16]`, θ 10,000), `local_window_size` 4 (a query sees itself and
  the 3 keys before it: onnxruntime's CPU kernel counts the window with the query's own position);
- layer 1: q, k and v from three MatMuls, `rotary_interleaved` 1 over the first 16 of 32
  dimensions (caches `[64, 8]`, the rest pass through; onnxruntime wants the caches' width a
  multiple of 8, hence heads of 32), `softcap` 2 (scores 2·tanh(x/2)), `scale`
  0.3.
"""

import math

import torch
from onnx import TensorProto, checker, helper, numpy_helper

from blockquant import dequantize_q4, quantize_q4
from bytebpe import ByteBPE
from common import EMBEDDING_STD, LINEAR_STD, BIAS_STD, Fixture, check_example, json_bytes, reference_json, tapped_tensors
from fp16 import convert_fp16
from gqa_nodes import node_files
from text import GPT2_EXAMPLES, SAMPLE

CONTRIB = "com.microsoft"
OPSET = 17
MAX_MERGES = 128
OUT_STD = 0.1
POSITIONS = 64

MHA = {"model_type": "gpt2", "layers": 2, "heads": 2, "kv_heads": 2, "head_dim": 8, "hidden": 16}
GQA = {"model_type": "llama", "layers": 2, "heads": 4, "kv_heads": 2, "head_dim": 32, "hidden": 32}
# GroupQueryAttention's layers: rotary width, interleaved, local window, softcap, scale (0: 1/√d).
GQA_LAYERS = [
    {"packed": True, "rotary": 32, "interleaved": 0, "window": 4, "softcap": 0.0, "scale": 0.0},
    {"packed": False, "rotary": 16, "interleaved": 1, "window": -1, "softcap": 2.0, "scale": 0.3},
]


def draw(shape, std):
    return std * torch.randn(*shape)


def weights(c, vocab):
    """Drawn in this order from the fixture's seed."""
    h, n, kv, d = c["hidden"], c["heads"], c["kv_heads"], c["head_dim"]
    w = {"embed": draw((vocab, h), EMBEDDING_STD)}
    for i in range(c["layers"]):
        w[f"q{i}"] = draw((h, n * d), LINEAR_STD)
        w[f"k{i}"] = draw((h, kv * d), LINEAR_STD)
        w[f"v{i}"] = draw((h, kv * d), LINEAR_STD)
        w[f"bias{i}"] = draw((n * d + 2 * kv * d,), BIAS_STD)
        # Smaller, so that with no norms the logits stay within tens.
        w[f"o{i}"] = draw((n * d, h), OUT_STD)
    w["lm_head"] = draw((h, vocab), OUT_STD)
    return w


def rotary_cache(width):
    """cos and sin [POSITIONS, width / 2] (inverse frequencies 10000^(-2i/width)), float32."""
    inv_freq = 1.0 / (10000.0 ** (torch.arange(0, width, 2).double() / width))
    freqs = torch.arange(POSITIONS).double()[:, None] * inv_freq[None, :]
    return freqs.cos().float(), freqs.sin().float()


def rotate(x, cos, sin, interleaved):
    """x [b, h, s, d] rotated over its first 2·cos.shape[-1] dimensions."""
    width = 2 * cos.shape[-1]
    r, rest = x[..., :width], x[..., width:]
    if interleaved:
        a, b = r[..., 0::2], r[..., 1::2]
        r = torch.stack((a * cos - b * sin, b * cos + a * sin), dim=-1).flatten(-2)
    else:
        a, b = r[..., : width // 2], r[..., width // 2 :]
        r = torch.cat((a * cos - b * sin, b * cos + a * sin), dim=-1)
    return torch.cat((r, rest), dim=-1)


class Reference:
    """The unfused twin: logits and each layer's probabilities, q, k and v (per query head)."""

    def __init__(self, c, w, style, half=False):
        """`half`: the rotary caches as a float16 file holds them (rounded to float16)."""
        self.c, self.style, self.half = c, style, half
        self.w = {k: t.double() for k, t in w.items()}

    def layer(self, i, x, taps):
        c, w = self.c, self.w
        b, s, _ = x.shape
        n, kv, d = c["heads"], c["kv_heads"], c["head_dim"]
        nd, kvd = n * d, kv * d
        bias = w[f"bias{i}"]
        q, k, v = x @ w[f"q{i}"], x @ w[f"k{i}"], x @ w[f"v{i}"]
        if self.style == "mha" and i == 0:
            q, k, v = q + bias[:nd], k + bias[nd : nd + kvd], v + bias[nd + kvd :]
        heads = lambda t, h: t.view(b, s, h, d).transpose(1, 2)  # noqa: E731
        q, k, v = heads(q, n), heads(k, kv), heads(v, kv)
        scale, cap, window = (0.3 if i == 1 else d**-0.5), 0.0, -1
        if self.style == "gqa":
            spec = GQA_LAYERS[i]
            cos, sin = (rounded(t, self.half).double()[:s] for t in rotary_cache(spec["rotary"]))
            q = rotate(q, cos, sin, spec["interleaved"])
            k = rotate(k, cos, sin, spec["interleaved"])
            scale = spec["scale"] or scale
            cap, window = spec["softcap"], spec["window"]
        rep = n // kv
        keys = k.repeat_interleave(rep, dim=1)
        values = v.repeat_interleave(rep, dim=1)
        scores = (q @ keys.transpose(-1, -2)) * scale
        if cap > 0:
            scores = cap * torch.tanh(scores / cap)
        rows = torch.arange(s)[:, None]
        cols = torch.arange(s)[None, :]
        hidden = cols > rows
        if window > 0:
            hidden |= cols <= rows - window  # `window` keys, the query's own included
        probs = torch.softmax(scores.masked_fill(hidden, -math.inf), dim=-1)
        taps.append({"attention": probs, "queries": q, "keys": keys, "values": values})
        context = (probs @ values).transpose(1, 2).reshape(b, s, nd)
        return x + context @ w[f"o{i}"]

    def __call__(self, ids, taps):
        x = self.w["embed"][torch.tensor([ids])]
        for i in range(self.c["layers"]):
            x = self.layer(i, x, taps)
        return (x @ self.w["lm_head"]).float()


def rounded(t, half):
    return t.half().float() if half else t


# The weight MatMuls' B inputs (quantize_q4 makes each a MatMulNBits; the packed layer's is q, k
# and v side by side, quantized per output column as they are apart).
MATMUL_WEIGHTS = ("q", "k", "v", "o", "lm_head")


def file_weights(w, dtype):
    """The weights the `dtype` file computes with, float32: fp16 rounds every one to float16;
    q4f16 also replaces each weight MatMul's B by its 4-bit blocks of the float16 weight."""
    out = {}
    for k, t in w.items():
        half = t.half().float()
        if dtype == "q4f16" and k.rstrip("0123456789") in MATMUL_WEIGHTS:
            half = torch.from_numpy(dequantize_q4(t.numpy().T.copy(), half=True).T.copy())
        out[k] = half
    return out


def short(values, places=4):
    """Nested lists of floats rounded to `places` decimals: the float16 files' references are
    checked to 2e-3 at best (4 decimals err by 5e-5 at most), and float32's full digits make
    them 2.3 times larger."""
    if isinstance(values, list):
        return [short(v, places) for v in values]
    return round(values, places)


def value_info(name, elem, dims):
    return helper.make_tensor_value_info(name, elem, dims)


def graph_bytes(name, c, w, style):
    n, kv, d, h = c["heads"], c["kv_heads"], c["head_dim"], c["hidden"]
    nd, kvd = n * d, kv * d
    inits = {"embed": w["embed"], "lm_head": w["lm_head"]}
    inputs = [
        value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
        value_info("attention_mask", TensorProto.INT64, ["batch_size", "total_sequence_length"]),
    ]
    outputs = [value_info("logits", TensorProto.FLOAT, ["batch_size", "sequence_length", w["lm_head"].shape[1]])]
    for i in range(c["layers"]):
        for kind in ("key", "value"):
            inputs.append(value_info(f"past_key_values.{i}.{kind}", TensorProto.FLOAT, ["batch_size", kv, "past_sequence_length", d]))
            outputs.append(value_info(f"present.{i}.{kind}", TensorProto.FLOAT, ["batch_size", kv, "total_sequence_length", d]))
    nodes = [helper.make_node("Gather", ["embed", "input_ids"], ["x0"])]
    if style == "mha":
        nodes.append(helper.make_node("Cast", ["attention_mask"], ["mask_int32"], to=TensorProto.INT32))
    else:
        inits["axis1"] = torch.tensor([1])
        inits["one"] = torch.tensor(1)
        nodes += [
            helper.make_node("ReduceSum", ["attention_mask", "axis1"], ["lengths"], keepdims=0),
            helper.make_node("Sub", ["lengths", "one"], ["seqlens_minus_one"]),
            helper.make_node("Cast", ["seqlens_minus_one"], ["seqlens_k"], to=TensorProto.INT32),
            helper.make_node("Shape", ["attention_mask"], ["mask_shape"]),
            helper.make_node("Gather", ["mask_shape", "one"], ["total_length"]),
            helper.make_node("Cast", ["total_length"], ["total_sequence_length"], to=TensorProto.INT32),
        ]
    for i in range(c["layers"]):
        x, out = f"x{i}", f"attention{i}"
        bias = w[f"bias{i}"]
        if style == "mha" and i == 0:
            for p in "qkv":
                inits[f"{p}{i}"] = w[f"{p}{i}"]
                nodes.append(helper.make_node("MatMul", [x, f"{p}{i}"], [f"{p}{i}_out"]))
            inits[f"bias{i}"] = bias
            attn_inputs = ["q0_out", "k0_out", "v0_out", "bias0", "mask_int32", "", "past_key_values.0.key", "past_key_values.0.value"]
            nodes.append(helper.make_node("MultiHeadAttention", attn_inputs, [out, "present.0.key", "present.0.value"], domain=CONTRIB, num_heads=n, unidirectional=1))
        elif style == "mha":
            for p in "qkv":
                inits[f"{p}{i}"] = w[f"{p}{i}"]
                nodes.append(helper.make_node("MatMul", [x, f"{p}{i}"], [f"{p}{i}_out"]))
            past = [f"past_key_values.{i}.key", f"past_key_values.{i}.value"]
            mha_inputs = [f"q{i}_out", f"k{i}_out", f"v{i}_out", "", "", "", *past]
            presents = [out, f"present.{i}.key", f"present.{i}.value"]
            nodes.append(helper.make_node("MultiHeadAttention", mha_inputs, presents, domain=CONTRIB, num_heads=n, unidirectional=1, scale=0.3))
        else:
            spec = GQA_LAYERS[i]
            cos, sin = rotary_cache(spec["rotary"])
            inits[f"cos{i}"], inits[f"sin{i}"] = cos, sin
            if spec["packed"]:
                inits[f"qkv{i}"] = torch.cat([w[f"q{i}"], w[f"k{i}"], w[f"v{i}"]], dim=1)
                nodes.append(helper.make_node("MatMul", [x, f"qkv{i}"], [f"qkv{i}_out"]))
                qkv = [f"qkv{i}_out", "", ""]
            else:
                for p in "qkv":
                    inits[f"{p}{i}"] = w[f"{p}{i}"]
                    nodes.append(helper.make_node("MatMul", [x, f"{p}{i}"], [f"{p}{i}_out"]))
                qkv = [f"q{i}_out", f"k{i}_out", f"v{i}_out"]
            attrs = {"num_heads": n, "kv_num_heads": kv, "do_rotary": 1, "rotary_interleaved": spec["interleaved"], "local_window_size": spec["window"]}
            if spec["softcap"]:
                attrs["softcap"] = spec["softcap"]
            if spec["scale"]:
                attrs["scale"] = spec["scale"]
            gqa_inputs = qkv + [f"past_key_values.{i}.key", f"past_key_values.{i}.value", "seqlens_k", "total_sequence_length", f"cos{i}", f"sin{i}"]
            nodes.append(helper.make_node("GroupQueryAttention", gqa_inputs, [out, f"present.{i}.key", f"present.{i}.value"], domain=CONTRIB, **attrs))
        inits[f"o{i}"] = w[f"o{i}"]
        nodes += [
            helper.make_node("MatMul", [out, f"o{i}"], [f"projected{i}"]),
            helper.make_node("Add", [x, f"projected{i}"], [f"x{i + 1}"]),
        ]
    nodes.append(helper.make_node("MatMul", [f"x{c['layers']}", "lm_head"], ["logits"]))
    initializers = [numpy_helper.from_array(t.numpy(), k) for k, t in inits.items()]
    graph = helper.make_graph(nodes, name, inputs, outputs, initializers)
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid(CONTRIB, 1)],
        producer_name="attnviz scripts/models/generate.py",
    )
    model.ir_version = 8
    checker.check_model(model, full_check=True)
    return model.SerializeToString()


def config_json(c, vocab, eos):
    config = {
        "architectures": ["GPT2LMHeadModel" if c["model_type"] == "gpt2" else "LlamaForCausalLM"],
        "bos_token_id": eos,
        "eos_token_id": eos,
        "model_type": c["model_type"],
        "vocab_size": vocab,
        "use_cache": True,
    }
    if c["model_type"] == "gpt2":
        config.update({"n_embd": c["hidden"], "n_head": c["heads"], "n_layer": c["layers"], "n_positions": POSITIONS, "n_ctx": POSITIONS})
    else:
        config.update(
            {
                "hidden_size": c["hidden"],
                "head_dim": c["head_dim"],
                "num_attention_heads": c["heads"],
                "num_key_value_heads": c["kv_heads"],
                "num_hidden_layers": c["layers"],
                "max_position_embeddings": POSITIONS,
            }
        )
    return dict(sorted(config.items()))


def examples_of(reference, tokenizer):
    """reference.json's examples and verify.mjs's checks, from the twin `reference`."""
    examples, checks = [], []
    for text in GPT2_EXAMPLES:
        tokens, ids = tokenizer.encode(text)
        taps = []
        logits = reference(ids, taps)
        taps = [{k: t.float() for k, t in tap.items()} for tap in taps]
        examples.append({"text": text, "tokens": tokens, "ids": ids, **tapped_tensors(taps)})
        checks.append(check_example({"input_ids": ids, "attention_mask": [1] * len(ids)}, logits))
    return examples, checks


def build(name, c, style):
    tokenizer = ByteBPE.learn(SAMPLE, MAX_MERGES)
    vocab = len(tokenizer.tokens)
    w = weights(c, vocab)
    examples, checks = examples_of(Reference(c, w, style), tokenizer)
    shared = c["kv_heads"] < c["heads"]
    kv_heads = [i // (c["heads"] // c["kv_heads"]) for i in range(c["heads"])] if shared else None
    eos = tokenizer.eos_id
    sizes = {"layers": c["layers"], "heads": c["heads"], "head_dim": c["head_dim"], "kv_heads": kv_heads}
    fp32 = graph_bytes(name, c, w, style)
    fp16 = convert_fp16(fp32)
    files = {
        "config.json": json_bytes(config_json(c, vocab, eos)),
        "generation_config.json": json_bytes({"bos_token_id": eos, "eos_token_id": eos}),
        "tokenizer.json": json_bytes(tokenizer.tokenizer_json()),
        "tokenizer_config.json": json_bytes(tokenizer.tokenizer_config(POSITIONS)),
        "onnx/model.onnx": fp32,
        # The files transformers.js loads for dtype fp16 and q4f16, as onnxruntime-genai and
        # onnx-community ship GroupQueryAttention models: the fused node in float16.
        "onnx/model_fp16.onnx": fp16,
        "onnx/model_q4f16.onnx": quantize_q4(fp16),
        "reference.json": reference_json(name, examples, causal=True, vectors_scaled=False, **sizes),
    }
    for dtype in ("fp16", "q4f16"):
        half_examples, _ = examples_of(Reference(c, file_weights(w, dtype), style, half=True), tokenizer)
        for e in half_examples:
            e.update({k: short(e[k]) for k in ("attention", "queries", "keys", "values")})
        files[f"reference_{dtype}.json"] = reference_json(f"{name} ({dtype})", half_examples, causal=True, vectors_scaled=False, **sizes)
    return Fixture(files, {"output": "logits", "heads": c["kv_heads"], "headDim": c["head_dim"], "examples": checks})


def build_mha(name):
    return build(name, MHA, "mha")


def build_gqa(name):
    """tiny-fused-gqa, and the one-node graphs of the paths its layers do not take (gqa_nodes.py)."""
    fixture = build(name, GQA, "gqa")
    fixture.files.update(node_files())
    return fixture
