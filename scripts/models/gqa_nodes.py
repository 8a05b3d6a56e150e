"""One-node GroupQueryAttention graphs for the paths tiny-fused-gqa's layers do not take, with their
inputs and PyTorch's result (tiny-fused-gqa/nodes/<case>.onnx and .json):

- `position-ids`: `do_rotary` 1 and a `position_ids` input, with a past of 3 tokens: each new
  token rotated at the position given (10, 11, 12, 14, 15), not at 3 + i;
- `position-ids-prompt`: the same on a first prompt (no past), ids 3, 4, 5, 7, 8: onnxruntime
  reads only the first and counts on (3 … 7), and so does the rewrite (measured with
  onnxruntime-web 1.30: with the ids as given, the present keys differ by 1.6);
- `attention-bias`: an `attention_bias` `[1, heads, s, t]` added to the scaled scores;
- `not-causal`: `causal` 0, which onnxruntime 1.30's kernel reads: every query sees every key.

Each graph: 4 query heads and 2 key/value heads of 16, 5 new tokens, seqlens_k and
total_sequence_length as graph inputs (int32, fed as past + 4 and past + 5); inputs drawn from
their own seed. The .json holds the feeds (name → dims, type, data), PyTorch's output `[1, 5, 64]`
and attention probabilities `[1, 4, 5, past + 5]`, computed in float64 and rounded to float32.
"""

import json
import math

import torch
from onnx import TensorProto, checker, helper, numpy_helper

CONTRIB = "com.microsoft"
HEADS, KV_HEADS, HEAD_DIM, TOKENS, POSITIONS = 4, 2, 16, 5, 16
SEED = 15


def rotary_cache(width):
    inv_freq = 1.0 / (10000.0 ** (torch.arange(0, width, 2).double() / width))
    freqs = torch.arange(POSITIONS).double()[:, None] * inv_freq[None, :]
    return freqs.cos().float(), freqs.sin().float()


def rotate_half(x, cos, sin):
    half = x.shape[-1] // 2
    a, b = x[..., :half], x[..., half:]
    return torch.cat((a * cos - b * sin, b * cos + a * sin), dim=-1)


def reference(q, k, v, past=0, past_k=None, past_v=None, cos=None, sin=None, positions=None, bias=None, causal=True):
    """softmax(q·kᵀ/√d + bias, causal)·v after the past keys and values (not rotated again), heads
    joined: output [1, s, heads·d], probabilities [1, heads, s, past + s]."""
    q, k, v = (t.double().view(1, TOKENS, -1, HEAD_DIM).transpose(1, 2) for t in (q, k, v))
    if cos is not None:
        c, s = cos.double()[positions][None, None], sin.double()[positions][None, None]  # [1, 1, s, d/2]
        q, k = rotate_half(q, c, s), rotate_half(k, c, s)
    if past:
        k, v = torch.cat((past_k.double(), k), dim=2), torch.cat((past_v.double(), v), dim=2)
    k = k.repeat_interleave(HEADS // KV_HEADS, dim=1)
    v = v.repeat_interleave(HEADS // KV_HEADS, dim=1)
    scores = q @ k.transpose(-1, -2) / math.sqrt(HEAD_DIM)
    if bias is not None:
        scores = scores + bias.double()
    if causal:
        hidden = torch.arange(past + TOKENS)[None, :] > past + torch.arange(TOKENS)[:, None]
        scores = scores.masked_fill(hidden, -math.inf)
    probs = torch.softmax(scores, dim=-1)
    out = (probs @ v).transpose(1, 2).reshape(1, TOKENS, HEADS * HEAD_DIM)
    return out.float(), probs.float()


def graph(name, inputs, inits, attrs):
    """The one node and its declared inputs; `inputs` as the operator orders them ('' skips)."""
    floats = {"query": HEADS * HEAD_DIM, "key": KV_HEADS * HEAD_DIM, "value": KV_HEADS * HEAD_DIM}
    declared = [
        helper.make_tensor_value_info("seqlens_k", TensorProto.INT32, [1]),
        helper.make_tensor_value_info("total_sequence_length", TensorProto.INT32, []),
    ]
    for n in inputs:
        if n in floats:
            declared.append(helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, TOKENS, floats[n]]))
        elif n in ("past_key", "past_value"):
            declared.append(helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, KV_HEADS, "past", HEAD_DIM]))
        elif n == "attention_bias":
            declared.append(helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, HEADS, TOKENS, "total"]))
        elif n == "position_ids":
            declared.append(helper.make_tensor_value_info(n, TensorProto.INT64, [1, TOKENS]))
    outputs = [
        helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, TOKENS, HEADS * HEAD_DIM]),
        helper.make_tensor_value_info("present_key", TensorProto.FLOAT, [1, KV_HEADS, "total", HEAD_DIM]),
        helper.make_tensor_value_info("present_value", TensorProto.FLOAT, [1, KV_HEADS, "total", HEAD_DIM]),
    ]
    node = helper.make_node(
        "GroupQueryAttention",
        inputs,
        ["output", "present_key", "present_value"],
        domain=CONTRIB,
        num_heads=HEADS,
        kv_num_heads=KV_HEADS,
        **attrs,
    )
    initializers = [numpy_helper.from_array(t.numpy(), n) for n, t in inits.items()]
    g = helper.make_graph([node], name, declared, outputs, initializers)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(CONTRIB, 1)])
    model.ir_version = 8
    checker.check_model(model, full_check=True)
    return model.SerializeToString()


def feed(t):
    kind = {torch.int64: "int64", torch.int32: "int32"}.get(t.dtype, "float32")
    return {"dims": list(t.shape), "type": kind, "data": t.flatten().tolist()}


def node_files():
    gen = torch.Generator().manual_seed(SEED)
    draw = lambda *shape: torch.randn(*shape, generator=gen)  # noqa: E731
    q, k, v = draw(1, TOKENS, HEADS * HEAD_DIM), draw(1, TOKENS, KV_HEADS * HEAD_DIM), draw(1, TOKENS, KV_HEADS * HEAD_DIM)
    past_k, past_v = draw(1, KV_HEADS, 3, HEAD_DIM), draw(1, KV_HEADS, 3, HEAD_DIM)
    bias = draw(1, HEADS, TOKENS, TOKENS)
    cos, sin = rotary_cache(HEAD_DIM)
    common = ["query", "key", "value", "past_key", "past_value", "seqlens_k", "total_sequence_length"]
    rotary = common + ["cos_cache", "sin_cache", "position_ids"]
    empty = torch.zeros(1, KV_HEADS, 0, HEAD_DIM)

    def feeds(past, **more):
        lengths = {"seqlens_k": torch.tensor([past + TOKENS - 1], dtype=torch.int32), "total_sequence_length": torch.tensor(past + TOKENS, dtype=torch.int32)}
        pasts = {"past_key": past_k, "past_value": past_v} if past else {"past_key": empty, "past_value": empty}
        return {"query": q, "key": k, "value": v, **pasts, **lengths, **more}

    caches = {"cos_cache": cos, "sin_cache": sin}
    ids, prompt_ids = torch.tensor([[10, 11, 12, 14, 15]]), torch.tensor([[3, 4, 5, 7, 8]])
    # case → (inputs, initializers, attributes, feeds, PyTorch's output and probabilities)
    cases = {
        "position-ids": (rotary, caches, {"do_rotary": 1}, feeds(3, position_ids=ids), reference(q, k, v, 3, past_k, past_v, cos, sin, ids[0])),
        "position-ids-prompt": (rotary, caches, {"do_rotary": 1}, feeds(0, position_ids=prompt_ids), reference(q, k, v, cos=cos, sin=sin, positions=torch.arange(3, 3 + TOKENS))),
        "attention-bias": (common + ["", "", "", "attention_bias"], {}, {}, feeds(0, attention_bias=bias), reference(q, k, v, bias=bias)),
        "not-causal": (common, {}, {"causal": 0}, feeds(0), reference(q, k, v, causal=False)),
    }
    files = {}
    for name, (inputs, inits, attrs, node_feeds, (out, probs)) in cases.items():
        files[f"nodes/{name}.onnx"] = graph(name, inputs, inits, attrs)
        record = {
            "feeds": {n: feed(t) for n, t in node_feeds.items()},
            "output": out.flatten().double().tolist(),
            "attention": probs.flatten().double().tolist(),
        }
        files[f"nodes/{name}.json"] = (json.dumps(record) + "\n").encode("utf-8")
    return files
