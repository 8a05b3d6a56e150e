#!/usr/bin/python3
"""Writes a SmolLM2-135M-shaped random-weight Llama for `npm run bench:adapter` (never committed).

Run with Debian's Python (torch 1.13, onnx 1.12); bench/adapter-long.mjs runs it when the files
are missing:

    /usr/bin/python3 bench/smollm.py --out .cache/bench/smollm2-135m [--small]

The architecture is the test fixtures' Llama (scripts/models/llama.py: RMSNorm, rotary positions,
grouped-query attention by repeat_kv, softmax in float32) with SmolLM2-135M's shape: 30 layers, 9
query heads and 3 key/value heads of 64, hidden 576, intermediate 1536, tied embeddings; the
vocabulary is cut from 49,152 to 8,192 and the positions to 2,048 (the longest input measured),
which changes the LM head's and the causal mask's size, not the attention. Beside it,
onnx/warmup.onnx (bench/gpt2_small.py's) lets the benchmark start onnxruntime before timing.

Weight files are written by VARIANTS: name → function of the fp32 ONNX bytes. A quantized file
(q4: `model_q4.onnx`) is one more entry there and one in adapter-long.mjs's VARIANTS.
"""

import argparse
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "scripts", "models"))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ beside the sources

from blockquant import quantize_q4  # noqa: E402
from gpt2 import export_decoder  # noqa: E402
from gpt2_small import warmup_model  # noqa: E402
from llama import LLAMA, Llama, config_json, past_shape  # noqa: E402

SMOLLM2_135M = {
    **LLAMA,
    "layers": 30,
    "heads": 9,
    "kv_heads": 3,
    "head_dim": 64,
    "hidden": 576,
    "intermediate": 1536,
    "positions": 2048,
    "rope_theta": 100000.0,
    "tied": True,
}
VOCAB = 8192
# Two layers of the same shape: a model ORT loads in a blink, for developing the benchmark.
REDUCED = {**SMOLLM2_135M, "layers": 2}
SEED = 135
INIT_STD = 0.02

# File name → the file's bytes from the fp32 model's.
VARIANTS = {"model.onnx": lambda fp32: fp32, "model_q4.onnx": quantize_q4}


def init(model):
    """Normal(0, 0.02) weights and RMSNorm weights of 1, as Llama's initialisation."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight") or "layernorm" in name:
                p.fill_(1.0)
            else:
                p.normal_(0.0, INIT_STD)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="model folder (onnx/model*.onnx, config.json)")
    parser.add_argument("--small", action="store_true", help="two layers, for developing the benchmark")
    args = parser.parse_args()
    os.makedirs(os.path.join(args.out, "onnx"), exist_ok=True)
    with open(os.path.join(args.out, "onnx", "warmup.onnx"), "wb") as f:
        f.write(warmup_model())

    c = REDUCED if args.small else SMOLLM2_135M
    torch.manual_seed(SEED)
    model = Llama(c, VOCAB).eval()
    init(model)
    parameters = sum(p.numel() for p in model.parameters())
    with torch.no_grad():
        fp32 = export_decoder(model, c["layers"], lambda length: past_shape(c, length))
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config_json(c, VOCAB, VOCAB - 1), f, indent=2)
        f.write("\n")
    for file, make in VARIANTS.items():
        data = make(fp32)
        # Written whole and renamed into place, so that an interrupted run leaves no model behind.
        target = os.path.join(args.out, "onnx", file)
        with open(target + ".part", "wb") as f:
            f.write(data)
        os.replace(target + ".part", target)
        print(f"{target}: {parameters / 1e6:.1f} M parameters, {len(data) / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
