"""What every fixture shares: random initialisation, ONNX export to bytes, and byte-stable JSON."""

import io
import json
import math
from dataclasses import dataclass

import numpy as np
import onnx
import torch
from torch import nn

OPSET = 14
# Spreads chosen so that attention is far from uniform: q·k/√d then has a spread of about one.
LINEAR_STD = 0.3
BIAS_STD = 0.05
EMBEDDING_STD = 1.0
NORM_STD = 0.1


def init_weights(model):
    """Draws every parameter from the global generator, module by module in registration order."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.LayerNorm):
                module.weight.normal_(1.0, NORM_STD)
                module.bias.normal_(0.0, NORM_STD)
            elif isinstance(module, nn.Embedding):
                module.weight.normal_(0.0, EMBEDDING_STD)
            else:
                for name, p in module.named_parameters(recurse=False):
                    p.normal_(0.0, BIAS_STD if name == "bias" else LINEAR_STD)


def export_onnx(module, args, input_names, output_names, dynamic_axes):
    """The module traced to ONNX bytes, checked by onnx.checker."""
    buffer = io.BytesIO()
    torch.onnx.export(
        module,
        args,
        buffer,
        input_names=input_names,
        output_names=output_names,
        dynamic_axes=dynamic_axes,
        opset_version=OPSET,
        do_constant_folding=True,
    )
    data = buffer.getvalue()
    onnx.checker.check_model(onnx.load_from_string(data), full_check=True)
    return data


def gelu(x):
    """GELU with erf, as BERT's `gelu`."""
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def gelu_tanh(x):
    """GELU's tanh approximation, as GPT-2's `gelu_new`."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)))


# --- JSON ---------------------------------------------------------------------------------------


def json_bytes(value):
    """Pretty JSON with UTF-8 text and a final newline, for config and tokenizer files."""
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def tensor_json(value):
    """Exact float32 values as JSON numbers: the float64 nearest each is the float32 itself."""
    array = value.detach().cpu().numpy() if torch.is_tensor(value) else np.asarray(value)
    assert array.dtype == np.float32, array.dtype
    return array.astype(np.float64).tolist()


def compact_json(value, indent=0):
    """JSON whose objects and outer lists are indented and whose innermost lists sit on one line.

    Floats are written with Python's repr: the shortest text that reads back as the same float64.
    """
    pad = "  " * (indent + 1)
    end = "  " * indent
    if isinstance(value, dict):
        items = [f"{pad}{json.dumps(k)}: {compact_json(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + end + "}" if items else "{}"
    if isinstance(value, list):
        if not any(isinstance(v, (list, dict)) for v in value):
            return "[" + ", ".join(compact_json(v) for v in value) + "]"
        return "[\n" + ",\n".join(pad + compact_json(v, indent + 1) for v in value) + "\n" + end + "]"
    if isinstance(value, float):
        assert math.isfinite(value), value
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def reference_bytes(value):
    """reference.json: compact_json with a final newline."""
    return (compact_json(value) + "\n").encode("utf-8")


@dataclass
class Fixture:
    """A fixture folder's files, and what verify.mjs needs to check its ONNX graph numerically."""

    # Path inside the folder → content.
    files: dict
    # {"output": main output name, "examples": [{"feeds": {input: ints}, "dims": [...], "expected":
    # [floats]}]}, plus "heads" and "headDim" when the graph takes an empty past.
    check: dict


TAPPED = ("attention", "queries", "keys", "values")


def tapped_tensors(taps):
    """One example's tensors for reference.json: each of TAPPED, [layers, heads, seq, seq or head_dim].

    `taps` holds one dict per layer, in layer order, of batch-of-one tensors [1, heads, seq, ·].
    """
    return {key: tensor_json(torch.stack([t[key][0] for t in taps])) for key in TAPPED}


def check_example(feeds, output):
    """One example for verify.mjs: the int64 inputs and PyTorch's main output."""
    return {"feeds": feeds, "dims": list(output.shape), "expected": tensor_json(output.flatten())}


def reference_json(name, examples, *, causal, vectors_scaled, layers, heads, head_dim, kv_heads=None):
    """`kv_heads`, for grouped-query attention: the key/value head each query head reads."""
    return reference_bytes(
        {
            "model": name,
            "causal": causal,
            "vectorsScaled": vectors_scaled,
            "layers": layers,
            "heads": heads,
            "headDim": head_dim,
            **({"kvHeads": kv_heads} if kv_heads is not None else {}),
            "examples": examples,
        }
    )
