#!/usr/bin/python3
"""Writes the tiny random-weight test models into test/fixtures/models/<name>/.

Run with Debian's Python (torch 1.13, onnx 1.12), from anywhere:

    /usr/bin/python3 scripts/models/generate.py [--only NAME ...] [--out DIR] [--check-dir DIR]

Each fixture is seeded on its own, so the output does not depend on which ones are built or in
what order, and two runs write byte-identical files. `--check-dir` also writes, per fixture,
the inputs and PyTorch's main output (last_hidden_state / logits), and a copy of the graph with
its attention tapped, which verify.mjs compares with onnxruntime-web's results.
"""

import argparse
import json
import os
import shutil
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ beside the sources

import bart  # noqa: E402
import bert  # noqa: E402
import fused  # noqa: E402
import fused_decoders  # noqa: E402
import gpt2  # noqa: E402
import llama  # noqa: E402
import neox  # noqa: E402
from fp16 import convert_fp16  # noqa: E402
from quantize import quantize_dynamic  # noqa: E402
from tap import tap_attention  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_OUT = os.path.join(ROOT, "test", "fixtures", "models")

# name → (seed, build). A new style is one more entry; build(name) returns a common.Fixture.
# tiny-gpt2, tiny-gpt2-sdpa and tiny-gpt2-merged share a seed, so their weights, logits and
# attention are the same.
FIXTURES = {
    "tiny-bert": (1, bert.build),
    "tiny-gpt2": (2, gpt2.build_classic),
    "tiny-gpt2-sdpa": (2, gpt2.build_sdpa),
    "tiny-gpt2-merged": (2, gpt2.build_merged),
    "tiny-fused": (3, fused.build),
    "tiny-fused-refused": (3, fused.build_refused),
    "tiny-bart": (4, bart.build),
    "tiny-llama": (5, llama.build_llama),
    "tiny-qwen2": (6, llama.build_qwen2),
    "tiny-gemma": (7, llama.build_gemma),
    "tiny-phi3": (8, llama.build_phi3),
    "tiny-neox": (9, neox.build),
    "tiny-fused-mha": (10, fused_decoders.build_mha),
    "tiny-fused-gqa": (11, fused_decoders.build_gqa),
}
# Fixtures that also hold the weights files transformers.js loads for dtype 'q8' and 'fp16', made
# from their fp32 graph (quantize.py, fp16.py), with the operators their fp16 file keeps in
# float32: tiny-llama's Softmax, as Hugging Face's fp16 Llama exports upcast it (Cast to float32,
# Softmax, Cast back to float16 before P·V).
WITH_DTYPES = {"tiny-bert": (), "tiny-gpt2": (), "tiny-llama": ("Softmax",)}


def add_dtypes(files, keep_float32):
    fp32 = files["onnx/model.onnx"]
    files["onnx/model_quantized.onnx"] = quantize_dynamic(fp32)
    files["onnx/model_fp16.onnx"] = convert_fp16(fp32, keep_float32=keep_float32)


def write(folder, files):
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    for path, data in sorted(files.items()):
        target = os.path.join(folder, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        nargs="+",
        choices=list(FIXTURES),
        metavar="NAME",
        help=f"build only these: {', '.join(FIXTURES)}",
    )
    parser.add_argument("--out", default=DEFAULT_OUT, help="folder of fixture folders (default: %(default)s)")
    parser.add_argument("--check-dir", help="also write the files verify.mjs reads here")
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    for name in args.only or FIXTURES:
        seed, build = FIXTURES[name]
        torch.manual_seed(seed)
        fixture = build(name)
        if name in WITH_DTYPES:
            add_dtypes(fixture.files, WITH_DTYPES[name])
        folder = os.path.join(args.out, name)
        write(folder, fixture.files)
        size = sum(len(d) for d in fixture.files.values())
        print(f"{name}: {len(fixture.files)} files, {size} bytes")
        if args.check_dir:
            write_check(args.check_dir, name, fixture)


def write_check(folder, name, fixture):
    """What verify.mjs compares onnxruntime-web's results with: PyTorch's main output, and a copy
    of the graph with its attention tapped."""
    os.makedirs(folder, exist_ok=True)
    file = fixture.check.get("file", "onnx/model.onnx")
    tapped, taps = tap_attention(fixture.files[file]) if file in fixture.files else (None, [])
    if tapped is not None:
        with open(os.path.join(folder, f"{name}.tapped.onnx"), "wb") as f:
            f.write(tapped)
    with open(os.path.join(folder, f"{name}.check.json"), "w") as f:
        json.dump({**fixture.check, "taps": taps}, f)


if __name__ == "__main__":
    main()
