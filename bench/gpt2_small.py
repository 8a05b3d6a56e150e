#!/usr/bin/python3
"""Writes a GPT-2-small-sized random-weight model for `npm run bench:adapter` (never committed).

Run with Debian's Python (torch 1.13, onnx 1.12); bench/adapter.mjs runs it when the file is
missing:

    /usr/bin/python3 bench/gpt2_small.py --out .cache/bench/gpt2-small [--small]

The architecture is the test fixtures' GPT-2 (scripts/models/gpt2.py, GPT-2's eager attention)
with GPT-2 small's shape: 12 layers, 12 heads, hidden 768, 1024 positions, vocabulary 50257,
124 M parameters (about 650 MB of fp32 ONNX: the LM head's transposed copy of the token embedding
is folded into the graph as its own initializer, as in real GPT-2 exports). The ONNX inputs and
outputs are the fixtures' (input_ids, attention_mask, position_ids, past_key_values.* → logits,
present.*). Beside it, onnx/warmup.onnx (one Identity node) lets the benchmark start
onnxruntime before timing the model. `--small` writes a reduced shape for developing the benchmark.

Weights follow GPT-2's own initialisation (normal, std 0.02; LayerNorm 1 and 0), seeded, so
activations have a trained model's magnitudes rather than the fixtures' deliberately wide spread.
"""

import argparse
import json
import os
import sys

import onnx
import torch
from onnx import TensorProto, helper
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "scripts", "models"))
sys.dont_write_bytecode = True  # no __pycache__ beside the sources

from common import OPSET, export_onnx  # noqa: E402
from gpt2 import Gpt2, OnnxDecoder, config_json, io_names, past_shape  # noqa: E402

GPT2_SMALL = {"layers": 12, "heads": 12, "hidden": 768, "positions": 1024, "eps": 1e-5, "vocab": 50257}
# Two layers, GPT-2's head size (64), few words: a model ORT loads in a blink.
REDUCED = {"layers": 2, "heads": 4, "hidden": 256, "positions": 1024, "eps": 1e-5, "vocab": 5000}
SEED = 124
INIT_STD = 0.02


def init_gpt2(model):
    """GPT-2's initialisation: every weight normal(0, 0.02), biases 0, LayerNorm weight 1."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.LayerNorm):
                module.weight.fill_(1.0)
                module.bias.zero_()
                continue
            for name, p in module.named_parameters(recurse=False):
                if name == "bias":
                    p.zero_()
                else:
                    p.normal_(0.0, INIT_STD)


def warmup_model():
    """One Identity node: what the benchmark creates first, so that starting onnxruntime's wasm
    runtime is timed apart from creating the model's session."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "warmup", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model.SerializeToString()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="model folder (onnx/model.onnx, config.json)")
    parser.add_argument("--small", action="store_true", help="reduced shape, for developing the benchmark")
    args = parser.parse_args()
    os.makedirs(os.path.join(args.out, "onnx"), exist_ok=True)
    with open(os.path.join(args.out, "onnx", "warmup.onnx"), "wb") as f:
        f.write(warmup_model())

    c = REDUCED if args.small else GPT2_SMALL
    torch.manual_seed(SEED)
    model = Gpt2(c, c["vocab"], "classic").eval()
    init_gpt2(model)
    parameters = sum(p.numel() for p in model.parameters())

    # Traced with a non-empty past, as the fixtures are, so that no length is frozen into the graph.
    past_len, seq_len = 3, 5
    example = (
        torch.arange(10, 10 + seq_len).unsqueeze(0),
        torch.ones(1, past_len + seq_len, dtype=torch.int64),
        torch.arange(past_len, past_len + seq_len).unsqueeze(0),
        *(torch.randn(past_shape(c, past_len)) for _ in range(2 * c["layers"])),
    )
    input_names, output_names, axes = io_names(c["layers"])
    with torch.no_grad():
        onnx_bytes = export_onnx(OnnxDecoder(model), example, input_names, output_names, axes)

    eos = c["vocab"] - 1
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config_json(c, c["vocab"], eos), f, indent=2)
        f.write("\n")
    # Written last and renamed into place, so that an interrupted run leaves no model behind.
    target = os.path.join(args.out, "onnx", "model.onnx")
    with open(target + ".part", "wb") as f:
        f.write(onnx_bytes)
    os.replace(target + ".part", target)
    print(f"{target}: {parameters / 1e6:.1f} M parameters, {len(onnx_bytes) / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
